#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzzer (edge cases around the payload fixtures) into a directory.

    python3 Fuzz/make-seeds.py .build-fuzz/seeds

`scripts/fuzz --seed` runs this, adds the fixtures themselves, and merges everything into Fuzz/corpus/.
Inputs are compact on purpose: small inputs run faster and mutate better.
"""
import json
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    with open(os.path.join(out, name), "wb") as handle:
        handle.write(data)


def item(**overrides):
    base = {
        "configuration": {"Family": "testtaskdef", "Revision": 2, "Status": "ACTIVE", "PidMode": "host"},
        "configurationItemCaptureTime": "2024-01-18T22:05:40.112Z",
        "configurationItemStatus": "OK",
        "resourceType": "AWS::ECS::TaskDefinition",
        "resourceId": "testtaskdef",
        "resourceName": "testtaskdef:2",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not DROP}


DROP = object()


def event(invoking, as_string=True, **overrides):
    base = {
        "invokingEvent": compact(invoking) if as_string else invoking,
        "ruleParameters": "{}",
        "resultToken": "myResultToken",
        "eventLeftScope": False,
        "configRuleName": "ecs-task-definition-pid-mode-custom",
    }
    base.update(overrides)
    return compact({k: v for k, v in base.items() if v is not DROP})


def change(ci):
    return {"configurationItem": ci, "messageType": "ConfigurationItemChangeNotification"}


# Shapes: the invoking event as Config sends it (a JSON string) and as a nested object (mutates far better).
for as_string, tag in ((True, "str"), (False, "obj")):
    write(f"change-host-{tag}.json", event(change(item()), as_string))
    write(f"change-task-{tag}.json", event(change(item(configuration={"Family": "f", "PidMode": "task"})), as_string))
    write(f"change-absent-{tag}.json", event(change(item(configuration={"family": "f", "revision": 7})), as_string))
    write(f"change-deleted-{tag}.json", event(change(item(configuration=None, configurationItemStatus="ResourceDeleted")), as_string))
    write(f"oversized-{tag}.json", event({
        "configurationItemSummary": item(configuration=DROP),
        "messageType": "OversizedConfigurationItemChangeNotification"}, as_string))
    write(f"oversized-deleted-{tag}.json", event({
        "configurationItemSummary": item(configuration=DROP, configurationItemStatus="ResourceDeletedNotRecorded"),
        "messageType": "OversizedConfigurationItemChangeNotification"}, as_string))
    write(f"scheduled-{tag}.json", event({
        "awsAccountId": "111111111111", "notificationCreationTime": "2024-01-19T00:00:00.373Z",
        "messageType": "ScheduledNotification", "recordVersion": "1.0"}, as_string))
    write(f"other-{tag}.json", event({"messageType": "ConfigurationSnapshotDeliveryCompleted"}, as_string))

# Rule semantics around pidMode and status.
for i, pid in enumerate(["HOST", "Host", "", None, 1, True, ["host"], {"host": 1}, "hoſt", "host\u0000", "task"]):
    write(f"pidmode-{i}.json", event(change(item(configuration={"PidMode": pid})), False))
write("pidmode-camel.json", event(change(item(configuration={"pidMode": "host", "family": "x"})), False))
write("pidmode-both.json", event(change(item(configuration={"PidMode": "task", "pidMode": "HoSt"})), False))
write("pidmode-dupkeys.json",
      '{"invokingEvent":{"messageType":"ConfigurationItemChangeNotification","configurationItem":{'
      '"configurationItemCaptureTime":"2024-01-18T22:05:40Z","configurationItemStatus":"OK",'
      '"resourceType":"AWS::ECS::TaskDefinition","resourceId":"a","resourceId":"b",'
      '"configuration":{"PidMode":"host","PidMode":"task"}}},"resultToken":"t"}')
for status in ["INACTIVE", "DELETE_IN_PROGRESS", "inactive"]:
    write(f"status-{status}.json", event(change(item(configuration={"Status": status, "PidMode": "host"})), False,
                                         ruleParameters='{"SkipInactiveTaskDefinitions":"true"}'))
for i, params in enumerate(['{"SkipInactiveTaskDefinitions":true}', '{"SkipInactiveTaskDefinitions":"TRUE"}',
                            '{"SkipInactiveTaskDefinitions":"yes","Other":1}', "not json", " \t ", "[]",
                            {"SkipInactiveTaskDefinitions": "false"}, 5, None, DROP]):
    write(f"params-{i}.json", event(change(item(configuration={"Status": "INACTIVE"})), False, ruleParameters=params))
for i, flag in enumerate([True, "TRUE", "False", "yes", 1, None]):
    write(f"leftscope-{i}.json", event(change(item()), False, eventLeftScope=flag))
for i, status in enumerate(["ResourceDiscovered", "ResourceNotRecorded", "ResourceDeletedNotRecorded", "Failed", ""]):
    write(f"itemstatus-{i}.json", event(change(item(configurationItemStatus=status, configuration=None)), False))
write("no-config-ok.json", event(change(item(configuration=DROP)), False))
write("config-string.json", event(change(item(configuration='{"PidMode":"host"}')), False))
write("other-type.json", event(change(item(resourceType="AWS::EC2::Instance")), False))

# Timestamps: offsets, fractions, leap second, epoch numbers, extremes.
times = ["2024-01-18T22:05:40Z", "2024-01-18T22:05:40.1+05:30", "2024-01-18 22:05:40.123456789-0800",
         "2024-02-29t23:59:60.999z", "0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999-23:59",
         "2023-02-29T00:00:00Z", "2024-01-18T22:05:40.Z", 1705615540.112, 1.705615540112E9, -1.5, 0,
         999999999999.999, 1e13, 9.99999999999999e13, -0.0005, 123456789012345678901234567890]
for i, t in enumerate(times):
    write(f"time-{i}.json", event(change(item(configurationItemCaptureTime=t)), False))
write("time-raw-1.txt", "2024-01-18T22:05:40.112Z")
write("time-raw-2.txt", "1705615540.112")
write("time-raw-3.txt", "-99999999999.9999")
write("time-raw-4.txt", "99999999999999.99")
write("time-raw-5.txt", "1e-400")

# Annotation length: long names, combining marks, emoji, surrogate pairs.
write("long-type.json", event(change(item(resourceType="AWS::" + "X" * 300)), False))
write("long-name.json", event(change(item(resourceName="n" * 260)), False))
write("long-status.json", event(change(item(configurationItemStatus="e" + "\u0301" * 300, configuration=None)), False))
write("emoji-name.json", event(change(item(resourceName="\U0001F600" * 130)), False))
write("zwj-name.json", event(change(item(resourceName="\U0001F469\u200D\U0001F469\u200D\U0001F467" * 40)), False))
write("long-id.json", event(change(item(resourceId="i" * 5000)), False))

# JSON edge cases inside a valid event.
# The event object, invokingEvent, configurationItem and configuration are 4 levels: 252 more make 256.
write("deep-256.json", event(change(item(configuration={"PidMode": "host", "x": ""})), False)
      .replace('"x":""', '"x":' + "[" * 252 + "]" * 252))
write("deep-257.json", event(change(item(configuration={"PidMode": "host", "x": ""})), False)
      .replace('"x":""', '"x":' + "[" * 253 + "]" * 253))
write("deep-256-bare.json", "[" * 256 + "]" * 256)
write("deep-257-bare.json", "[" * 257 + "]" * 257)
write("deep-objects.json", '{"a":' * 256 + "1" + "}" * 256)
write("numbers.json", "[0,-0,1e999999,-1E-999999,123456789012345678901234567890.5e+10,0.0000001,1.5e308,-2]")
write("bad-numbers.json", "[01]")
write("escapes.json", '["\\ud83d\\ude00","\\u0000","\\/\\b\\f\\n\\r\\t","\\uD834\\uDD1E","\\u00e9"]')
write("lone-high.json", '["\\ud800"]')
write("lone-low.json", '["\\udc00"]')
write("high-then-bad.json", '["\\ud800\\u0041"]')
write("invalid-utf8.json", b'{"resultToken":"\xff\xfe","invokingEvent":"\xc0\xaf"}')
write("overlong-utf8.json", b'["\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"]')
write("bom.json", b"\xef\xbb\xbf{}")
write("whitespace.json", " \t\r\n{ } \n")
write("nfc-vs-nfd.json", event(change(item(resourceId="caf\u00e9")), False))
write("nfd-id.json", event(change(item(resourceId="cafe\u0301")), False))
write("escaped-event.json", '{"invokingEvent":"{\\"messageType\\":\\"ConfigurationItemChangeNotification\\",'
      '\\"configurationItem\\":{\\"configurationItemCaptureTime\\":\\"2024-01-18T22:05:40Z\\",'
      '\\"configurationItemStatus\\":\\"OK\\",\\"resourceType\\":\\"AWS::ECS::TaskDefinition\\",'
      '\\"resourceId\\":\\"\\\\ud83d\\\\ude00\\",\\"configuration\\":{\\"PidMode\\":\\"\\\\u0068ost\\"}}}",'
      '"resultToken":"\\u0054ESTMODE"}')

# API-shaped items (GetResourceConfigHistory / BatchGetResourceConfig responses).
api = {"configurationItemCaptureTime": 1705615540.112, "configurationItemStatus": "OK",
       "resourceType": "AWS::ECS::TaskDefinition", "resourceId": "testtaskdef", "resourceName": "testtaskdef:2",
       "configuration": compact({"Family": "testtaskdef", "PidMode": "host", "Status": "INACTIVE"})}
write("grch.json", compact({"configurationItems": [api]}))
write("batchget.json", compact({"baseConfigurationItems": [dict(api, configuration="not json"),
                                                         dict(api, configuration={"pidMode": "host"})]}))
