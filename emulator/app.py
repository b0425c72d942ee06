"""Assembly: builds the shared state and the six loopback listeners (Runtime API, Config, control,
STS, ECS, SSM), plus with ``tls=True`` the HTTPS listeners of ``TLS_LISTENERS``; starts and stops them."""

import json
import os
import shutil
import sys
import tempfile
import threading

from .compliance import ComplianceStore, PageTokens
from .config_ops import ConfigData, EvaluationStore, HistoryStore
from .control import ControlAPI, ControlHandler
from .ecs_ops import EcsData
from .fake_config import ConfigHandler, ConfigService
from .fake_ecs import EcsHandler, EcsService
from .fake_ssm import ParameterStore, SsmHandler, SsmService
from .fake_sts import CredentialStore, StsClock, StsHandler, StsService
from .faults import FaultQueues
from .httputil import LoopbackServer
from .inventory import (TASKDEF, InventoryStore, load_rdk_configuration, normalize_item,
                        taskdef_item)
from .journal import Journal, wall_ms
from .model_check import ModelChecker
from .runtime_api import DEFAULT_TIMEOUT_MS, GENERATE, RuntimeAPIHandler, RuntimeState
from .sigv4_check import BASE_ACCOUNT, SigV4Verifier
from .tls_certs import SERVER_DNS_NAME, WRONG_DNS_NAME, generate as generate_tls_material
from .tls_server import ProtocolRange, TlsConnectionLog, TlsLoopbackServer, server_context
from .traffic import TrafficModel

DEFAULT_ACCESS_KEY_ID = "AKIDEXAMPLE"
DEFAULT_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# Like a real STS token it contains '+', '/' and '=' (sent raw in X-Amz-Security-Token).
DEFAULT_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE+/=emulator"
DEFAULT_REGION = "us-west-2"
SEED_HISTORY = "payloads/derived_get-resource-config-history_response_ecs-taskdef_pidmode-host.json"
CONFIG_MODEL = os.path.join("config", "2014-11-12", "service-2.json")
ECS_MODEL = os.path.join("ecs", "2014-11-13", "service-2.json")
SSM_MODEL = os.path.join("ssm", "2014-11-06", "service-2.json")
DEFAULT_RULE_NAME = "ecs-task-definition-pid-mode-custom"

# The HTTPS listeners of --tls, each serving an existing service on https://localhost:<port>:
# (listener name in the TLS log and call records, key in the start-up JSON's "tls" object,
#  service, certificate (attribute of tls_certs.TlsMaterial), offered TLS versions).
TLS_LISTENERS = (
    ("config", "configEndpoint", "config", "server", ProtocolRange.MODERN),
    ("sts", "stsEndpoint", "sts", "server", ProtocolRange.MODERN),
    ("config-wrong-name", "wrongNameConfigEndpoint", "config", "wrong_name", ProtocolRange.MODERN),
    ("config-legacy", "legacyConfigEndpoint", "config", "server", ProtocolRange.LEGACY),
)
TLS_HOST = SERVER_DNS_NAME


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


def default_inventory(testdata_dir, region=DEFAULT_REGION):
    """The seeded inventory (ECS task definitions, in this order):

    - ``testtaskdef``: the GetResourceConfigHistory seed item verbatim (revision 2, status OK,
      ``PidMode: host``) -> NON_COMPLIANT;
    - ``webapp``: revision 3, ``PidMode: task`` -> COMPLIANT;
    - ``batch-worker``: the RDK example as discovered (status ResourceDiscovered, no PidMode)
      -> COMPLIANT;
    - ``legacy-agent``: revision 4, ``Status: INACTIVE`` and ``PidMode: host`` -> NON_COMPLIANT
      (deregistered revisions are evaluated unless SkipInactiveTaskDefinitions);
    - ``old-cron``: status ResourceDeleted (no configuration): not listed by default, never returned.
    """
    items = [normalize_item(item, region) for key, history in load_seed_history(testdata_dir).items()
             for item in history[-1:] if key == (TASKDEF, "testtaskdef")]
    template = load_rdk_configuration(testdata_dir)
    items.append(taskdef_item(template, "webapp", 3, "task", capture_time=1705612010.25,
                              region=region))
    items.append(taskdef_item(template, "batch-worker", 1, None, status="ResourceDiscovered",
                              capture_time=1705614431.981, region=region))
    items.append(taskdef_item(template, "legacy-agent", 4, "host", td_status="INACTIVE",
                              capture_time=1705580001.5, region=region))
    items.append(taskdef_item(template, "old-cron", 2, None, status="ResourceDeleted",
                              capture_time=1705590000.0, region=region))
    return items


def default_compliance():
    """Seeded results of the default rule: ``testtaskdef`` (still in the inventory) and
    ``retired-family`` (gone from it, so a sweep reports it NOT_APPLICABLE), both NON_COMPLIANT."""
    return {DEFAULT_RULE_NAME: [
        {"resourceType": TASKDEF, "resourceId": "testtaskdef", "complianceType": "NON_COMPLIANT",
         "orderingTimestamp": 1705615540.112,
         "annotation": "pidMode is 'host' (testtaskdef:2): containers share the host's process "
                       "namespace. Remove pidMode or set it to 'task'."},
        {"resourceType": TASKDEF, "resourceId": "retired-family", "complianceType": "NON_COMPLIANT",
         "orderingTimestamp": 1704067200.0,
         "annotation": "pidMode is 'host' (retired-family:7): containers share the host's process "
                       "namespace. Remove pidMode or set it to 'task'."},
    ]}


def default_ecs_state():
    """The seeded ECS state, consistent with ``default_inventory`` so that every revision scope
    decides something different for it (rule-semantics §7):

    - ``testtaskdef``: 1 INACTIVE, **2** ACTIVE (the latest; host) - used by nothing;
    - ``webapp``: **3** ACTIVE - the PRIMARY deployment of service ``web`` in cluster ``default``;
    - ``batch-worker``: **1** ACTIVE - used by nothing;
    - ``legacy-agent``: **4** INACTIVE (host) - still run by a task in cluster ``default``; 5 ACTIVE.
    """
    return {
        "taskDefinitions": {"testtaskdef": {"1": "INACTIVE", "2": "ACTIVE"}, "webapp": {"3": "ACTIVE"},
                            "batch-worker": {"1": "ACTIVE"},
                            "legacy-agent": {"4": "INACTIVE", "5": "ACTIVE"}},
        "clusters": [{"name": "default",
                      "tasks": [{"taskDefinition": "legacy-agent:4"}],
                      "services": [{"name": "web", "deployments": [
                          {"status": "PRIMARY", "taskDefinition": "webapp:3"}]}]}],
    }


def event_rule_and_token(event):
    """``(configRuleName, resultToken)`` of a Lambda event (bytes or object), else Nones."""
    if isinstance(event, (bytes, bytearray)):
        try:
            event = json.loads(event.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None, None
    if not isinstance(event, dict):
        return None, None
    rule, token = event.get("configRuleName"), event.get("resultToken")
    if isinstance(rule, str) and rule and isinstance(token, str) and token:
        return rule, token
    return None, None


def stderr_log(line):
    """Write one brief log line to stderr."""
    sys.stderr.write(f"emulator: {line}\n")
    sys.stderr.flush()


class Emulator:
    """The whole emulator: shared journal, Runtime API, fake Config, fake STS, fake SSM, control API.

    ``start()`` binds six listeners on 127.0.0.1 (free ports) and serves them on daemon
    threads; ``stop()`` wakes blocked pollers and shuts the listeners down. Safe to embed
    (run_local, selftest) or to run from the CLI.

    With ``tls=True``, ``start()`` also generates a throw-away PKI in a temporary directory
    (``tls_certs``; removed by ``stop()``) and serves the ``TLS_LISTENERS`` over HTTPS.
    """

    def __init__(self, access_key_id=DEFAULT_ACCESS_KEY_ID,
                 secret_access_key=DEFAULT_SECRET_ACCESS_KEY,
                 session_token=DEFAULT_SESSION_TOKEN, region=DEFAULT_REGION,
                 models_dir=None, testdata_dir=None, log=stderr_log, tls=False, traffic="none"):
        """``session_token`` None or "" means the client must not send one.

        ``models_dir`` defaults to ``<testdata_dir>/aws-models``; ``log`` is callable(str) or None;
        ``tls`` adds the HTTPS listeners; ``traffic`` is the Config traffic model (a preset name of
        ``traffic.PRESETS`` or a model object), restored by ``reset``.
        """
        self.testdata_dir = testdata_dir or default_testdata_dir()
        self.models_dir = models_dir or os.path.join(self.testdata_dir, "aws-models")
        self.credentials = {"accessKeyID": access_key_id, "secretAccessKey": secret_access_key,
                            "sessionToken": session_token or None}
        self.region = region
        self.log = log or (lambda line: None)
        self.journal = Journal()
        self.model = ModelChecker(os.path.join(self.models_dir, CONFIG_MODEL))
        self.ecs_model = ModelChecker(os.path.join(self.models_dir, ECS_MODEL), "ecs")
        self.ecs_faults = FaultQueues(self.journal.lock)
        self.config_faults = FaultQueues(self.journal.lock)
        self.runtime_faults = FaultQueues(self.journal.lock)
        self.sts_faults = FaultQueues(self.journal.lock)
        self.ssm_faults = FaultQueues(self.journal.lock)
        self.sts_clock = StsClock()
        self.sts_store = CredentialStore(self.journal.lock, self.sts_clock)
        # Config accepts the base credentials and any unexpired temporary ones issued by STS.
        verifier = SigV4Verifier(access_key_id, secret_access_key, session_token, region, "config",
                                 resolver=self.sts_store.lookup)
        # STS accepts the function's own (base) credentials only; query protocol: no X-Amz-Target.
        sts_verifier = SigV4Verifier(access_key_id, secret_access_key, session_token, region, "sts",
                                     required_headers=("host", "x-amz-date", "content-type"))
        self.taskdef_template = load_rdk_configuration(self.testdata_dir)  # for /inventory/generate
        lock = self.journal.lock
        data = ConfigData(HistoryStore(lock, load_seed_history(self.testdata_dir)),
                          EvaluationStore(lock),
                          InventoryStore(lock, default_inventory(self.testdata_dir, region)),
                          ComplianceStore(lock, default_compliance()),
                          PageTokens(lock))
        self.traffic = TrafficModel(traffic)
        self.config = ConfigService(self.journal, verifier, self.model, self.config_faults, data,
                                    self.log, traffic=self.traffic)
        self.sts = StsService(self.journal, sts_verifier, self.sts_faults, self.sts_store,
                              self.log)
        # ECS, like Config, accepts the base credentials and temporary ones issued by STS.
        ecs_verifier = SigV4Verifier(access_key_id, secret_access_key, session_token, region, "ecs",
                                     resolver=self.sts_store.lookup)
        self.ecs = EcsService(self.journal, ecs_verifier, self.ecs_model, self.ecs_faults,
                              EcsData(lock, PageTokens(lock), region, BASE_ACCOUNT,
                                      default_ecs_state()), self.log)
        # SSM (the exceptions registry) accepts the function's own (base) credentials only.
        ssm_verifier = SigV4Verifier(access_key_id, secret_access_key, session_token, region, "ssm")
        self.ssm_store = ParameterStore(lock, region, BASE_ACCOUNT)
        self.ssm = SsmService(self.journal, ssm_verifier,
                              ModelChecker(os.path.join(self.models_dir, SSM_MODEL), "ssm"),
                              self.ssm_faults, self.ssm_store, self.log)
        self.runtime = RuntimeState(self.journal, self.runtime_faults, region, self.log)
        self.control = ControlAPI(self)
        self.tls_enabled = tls
        self.tls_connections = TlsConnectionLog(lock)
        self.tls_material = None
        self._tls_endpoints = {}  # start-up JSON key -> https URL
        self._servers = []
        self._threads = []

    def start(self):
        """Bind and serve the six listeners (and the HTTPS ones with ``tls``); return
        ``info()``."""
        self.runtime_server = LoopbackServer(RuntimeAPIHandler, runtime=self.runtime)
        self.config_server = LoopbackServer(ConfigHandler, config_service=self.config)
        self.control_server = LoopbackServer(ControlHandler, control_api=self.control)
        self.sts_server = LoopbackServer(StsHandler, sts_service=self.sts)
        self.ecs_server = LoopbackServer(EcsHandler, ecs_service=self.ecs)
        self.ssm_server = LoopbackServer(SsmHandler, ssm_service=self.ssm)
        for server in (self.runtime_server, self.config_server, self.control_server,
                       self.sts_server, self.ecs_server, self.ssm_server):
            self._serve(server)
        if self.tls_enabled:
            self._start_tls()
        return self.info()

    def _serve(self, server):
        """Serve ``server`` on a daemon thread until ``stop()``."""
        self._servers.append(server)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name=f"emulator-{server.port}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _start_tls(self):
        """Generate the PKI and serve every ``TLS_LISTENERS`` entry this Python can offer (a
        listener whose TLS versions the ssl module refuses is left out of the start-up JSON)."""
        directory = tempfile.mkdtemp(prefix="pidmode-emulator-tls-")
        try:
            self.tls_material = generate_tls_material(directory)
        except Exception:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        services = {"config": (ConfigHandler, {"config_service": self.config}),
                    "sts": (StsHandler, {"sts_service": self.sts})}
        for listener, info_key, service, certificate, protocol_range in TLS_LISTENERS:
            context = server_context(getattr(self.tls_material, certificate), protocol_range)
            if context is None:
                self.log(f"TLS listener {listener} left out: this Python cannot offer "
                         f"{protocol_range} TLS versions")
                continue
            handler, attrs = services[service]
            server = TlsLoopbackServer(handler, context, listener, self.tls_connections, **attrs)
            self._serve(server)
            self._tls_endpoints[info_key] = f"https://{TLS_HOST}:{server.port}"

    def info(self):
        """The start-up JSON: endpoints, region and credentials (and ``tls`` with ``tls``)."""
        info = {"runtimeAPI": f"127.0.0.1:{self.runtime_server.port}",
                "configEndpoint": f"http://127.0.0.1:{self.config_server.port}",
                "control": f"http://127.0.0.1:{self.control_server.port}",
                "stsEndpoint": f"http://127.0.0.1:{self.sts_server.port}",
                "ecsEndpoint": f"http://127.0.0.1:{self.ecs_server.port}",
                "ssmEndpoint": f"http://127.0.0.1:{self.ssm_server.port}",
                "region": self.region, **self.credentials}
        if self.tls_material is not None:
            info["tls"] = {"caFile": self.tls_material.ca_file,
                           "otherCaFile": self.tls_material.other_ca_file,
                           "directory": self.tls_material.directory,
                           "serverName": TLS_HOST, "wrongServerName": WRONG_DNS_NAME,
                           "legacyVersions": list(ProtocolRange.LEGACY_VERSIONS),
                           **self._tls_endpoints}
        return info

    def invoke(self, event, timeout_ms=DEFAULT_TIMEOUT_MS, trace_id=GENERATE,
               header_case="canonical", request_id=None):
        """Queue raw ``event`` bytes (like the control API's ``/invoke``); return the view.

        An event with ``configRuleName`` and ``resultToken`` maps that token to that rule first,
        so the invocation's PutEvaluations update the rule's compliance results.
        """
        rule, token = event_rule_and_token(event)
        if rule is not None:
            self.config.data.compliance.map_token(token, rule, invoked_at_ms=wall_ms())
        return self.runtime.enqueue(event, timeout_ms, trace_id, header_case, request_id)

    def restore_data(self):
        """Restore the seeded Config data (history, inventory, marks, compliance results) and the
        seeded ECS state; forget result-token mappings and page tokens; calls and evaluations are
        kept."""
        with self.journal.lock:
            self.config.data.reset()
            self.ecs.data.reset()

    def register_role(self, role_arn, trusts=True, max_session_duration=None):
        """Register a role STS may assume (``trusts=False``: AssumeRole is AccessDenied)."""
        kwargs = {} if max_session_duration is None else {
            "max_session_duration": max_session_duration}
        return self.sts_store.register_role(role_arn, trusts, **kwargs)

    def reset(self):
        """Clear invocations, Config and STS calls, evaluations, faults, init errors, registered
        roles, the STS clock offset, the TLS connection log and the journal; restore the seeded
        Config data
        (``restore_data``). Issued temporary credentials stay valid until they expire.
        Sequence numbers keep increasing."""
        with self.journal.lock:
            self.config_faults.clear()
            self.traffic.reset()
            self.runtime_faults.clear()
            self.sts_faults.clear()
            self.ecs_faults.clear()
            self.ssm_faults.clear()
            self.config.clear()
            self.ecs.clear()
            self.sts.clear()
            self.ssm.clear()
            self.ssm_store.clear()
            self.sts_store.clear_roles()
            self.sts_clock.offset_seconds = 0.0
            self.restore_data()
            self.runtime.reset()
            self.tls_connections.clear()
            self.journal.clear()

    def stop(self):
        """Stop serving: wake pollers, shut down and close all listeners, delete the TLS
        directory (idempotent)."""
        self.runtime.close()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._servers, self._threads = [], []
        if self.tls_material is not None:
            shutil.rmtree(self.tls_material.directory, ignore_errors=True)
