"""Assembly: builds the shared state and the three loopback listeners, starts and stops them."""

import json
import os
import sys
import threading

from .config_ops import ConfigData, EvaluationStore, HistoryStore
from .control import ControlAPI, ControlHandler
from .fake_config import ConfigHandler, ConfigService
from .faults import FaultQueues
from .httputil import LoopbackServer
from .journal import Journal
from .model_check import ModelChecker
from .runtime_api import RuntimeAPIHandler, RuntimeState
from .sigv4_check import SigV4Verifier

DEFAULT_ACCESS_KEY_ID = "AKIDEXAMPLE"
DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# Like a real STS token it contains '+', '/' and '=' (sent raw in X-Amz-Security-Token).
DEFAULT_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE+/=emulator"
DEFAULT_REGION = "us-west-2"
SEED_HISTORY = "payloads/derived_get-resource-config-history_response_ecs-taskdef_pidmode-host.json"
CONFIG_MODEL = os.path.join("config", "2014-11-12", "service-2.json")


def default_testdata_dir():
    """``$PIDMODE_SHARED_TESTDATA``, else ``<repo>/../shared/testdata``."""
    env = os.environ.get("PIDMODE_SHARED_TESTDATA")
    if env:
        return env
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.normpath(os.path.join(repo, "..", "shared", "testdata"))


def load_seed_history(testdata_dir):
    """Default GetResourceConfigHistory store: the derived ECS response, keyed by its items."""
    path = os.path.join(testdata_dir, SEED_HISTORY)
    with open(path, "r", encoding="utf-8") as handle:
        items = json.load(handle)["configurationItems"]
    seeded = {}
    for item in items:
        seeded.setdefault((item["resourceType"], item["resourceId"]), []).append(item)
    return seeded


def stderr_log(line):
    """Write one brief log line to stderr."""
    sys.stderr.write(f"emulator: {line}\n")
    sys.stderr.flush()


class Emulator:
    """The whole emulator: shared journal, Runtime API, fake Config, control API.

    ``start()`` binds three listeners on 127.0.0.1 (free ports) and serves them on daemon
    threads; ``stop()`` wakes blocked pollers and shuts the listeners down. Safe to embed
    (run_local, selftest) or to run from the CLI.
    """

    def __init__(self, access_key_id=DEFAULT_ACCESS_KEY_ID,
                 secret_access_key=DEFAULT_SECRET_ACCESS_KEY,
                 session_token=DEFAULT_SESSION_TOKEN, region=DEFAULT_REGION,
                 models_dir=None, testdata_dir=None, log=stderr_log):
        """``session_token`` None or "" means the client must not send one.

        ``models_dir`` defaults to ``<testdata_dir>/aws-models``; ``log`` is callable(str) or None.
        """
        self.testdata_dir = testdata_dir or default_testdata_dir()
        self.models_dir = models_dir or os.path.join(self.testdata_dir, "aws-models")
        self.credentials = {"accessKeyID": access_key_id, "secretAccessKey": secret_access_key,
                            "sessionToken": session_token or None}
        self.region = region
        self.log = log or (lambda line: None)
        self.journal = Journal()
        self.model = ModelChecker(os.path.join(self.models_dir, CONFIG_MODEL))
        self.config_faults = FaultQueues(self.journal.lock)
        self.runtime_faults = FaultQueues(self.journal.lock)
        verifier = SigV4Verifier(access_key_id, secret_access_key, session_token, region, "config")
        data = ConfigData(HistoryStore(self.journal.lock, load_seed_history(self.testdata_dir)),
                          EvaluationStore(self.journal.lock))
        self.config = ConfigService(self.journal, verifier, self.model, self.config_faults, data,
                                    self.log)
        self.runtime = RuntimeState(self.journal, self.runtime_faults, region, self.log)
        self.control = ControlAPI(self)
        self._servers = []
        self._threads = []

    def start(self):
        """Bind and serve the three listeners; return ``info()``."""
        self.runtime_server = LoopbackServer(RuntimeAPIHandler, runtime=self.runtime)
        self.config_server = LoopbackServer(ConfigHandler, config_service=self.config)
        self.control_server = LoopbackServer(ControlHandler, control_api=self.control)
        self._servers = [self.runtime_server, self.config_server, self.control_server]
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"emulator-{server.port}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self.info()

    def info(self):
        """The start-up JSON: endpoints, region and credentials."""
        return {"runtimeAPI": f"127.0.0.1:{self.runtime_server.port}",
                "configEndpoint": f"http://127.0.0.1:{self.config_server.port}",
                "control": f"http://127.0.0.1:{self.control_server.port}",
                "region": self.region, **self.credentials}

    def reset(self):
        """Clear invocations, calls, evaluations, faults, init errors and the journal; restore
        the seeded history. Sequence numbers keep increasing."""
        with self.journal.lock:
            self.config_faults.clear()
            self.runtime_faults.clear()
            self.config.clear()
            self.config.data.history.reset()
            self.runtime.reset()
            self.journal.clear()

    def stop(self):
        """Stop serving: wake pollers, shut down and close all listeners (idempotent)."""
        self.runtime.close()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._servers, self._threads = [], []
