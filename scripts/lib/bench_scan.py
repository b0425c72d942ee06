"""scripts/bench-scan: a generated tree of mixed IaC files (~1 % with a planted pidMode host), scanned by
pidmode-check and, side by side in the same run, by Checkov (CKV_AWS_335) on the Terraform files both read.

Prints, per tool: files, wall seconds, files/s, peak RSS (MiB, of that process tree's largest process, from
wait4's rusage), and how many of the planted findings it reported. Deterministic for a given --seed."""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time

FORMATS = [  # (kind, share of the tree)
    ("cfn-yaml", 0.25), ("cfn-json", 0.15), ("cdk", 0.10), ("tf", 0.20), ("plan", 0.10), ("taskdef", 0.10), ("other", 0.10),
]


def container(name, image="public.ecr.aws/docker/library/alpine:3.20"):
    return {"Name": name, "Image": image, "Memory": 128, "Essential": True,
            "Environment": [{"Name": f"VAR_{i}", "Value": f"value-{i}"} for i in range(6)]}


def cfn_template(index, pid_mode):
    properties = {"Family": f"svc-{index}", "NetworkMode": "awsvpc", "RequiresCompatibilities": ["EC2"],
                  "ContainerDefinitions": [container(f"app-{index}"), container(f"sidecar-{index}")]}
    if pid_mode is not None:
        properties["PidMode"] = pid_mode
    return {"AWSTemplateFormatVersion": "2010-09-09", "Description": f"service {index}",
            "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
            "Resources": {
                f"Bucket{index}": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": f"bucket-{index}"}},
                f"Queue{index}": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}},
                f"Task{index}": {"Type": "AWS::ECS::TaskDefinition", "Properties": properties},
            }}


def yaml_dump(value, indent=0):
    """A small YAML emitter (block style) so the generator needs no PyYAML."""
    pad = "  " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:")
                lines.append(yaml_dump(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                first, *rest = yaml_dump(item, indent + 1).split("\n")
                lines.append(f"{pad}- {first.strip()}")
                lines.extend(rest)
            else:
                lines.append(f"{pad}- {scalar(item)}")
    return "\n".join(lines)


def scalar(item):
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, (int, float)):
        return str(item)
    if item in ({}, []):
        return json.dumps(item)
    return json.dumps(str(item))


def terraform(index, pid_mode):
    pid = f'  pid_mode              = "{pid_mode}"\n' if pid_mode is not None else ""
    return f'''variable "image_{index}" {{
  type    = string
  default = "public.ecr.aws/docker/library/alpine:3.20"
}}

resource "aws_cloudwatch_log_group" "svc_{index}" {{
  name              = "/ecs/svc-{index}"
  retention_in_days = 30
}}

resource "aws_ecs_task_definition" "svc_{index}" {{
  family                = "svc-{index}"
  network_mode          = "awsvpc"
{pid}  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {{
      name      = "app"
      image     = var.image_{index}
      memory    = 128
      essential = true
    }}
  ])
}}
'''


def plan(index, pid_mode):
    after = {"family": f"svc-{index}", "network_mode": "awsvpc", "container_definitions": json.dumps([container("app")])}
    if pid_mode is not None:
        after["pid_mode"] = pid_mode
    address = f"aws_ecs_task_definition.svc_{index}"
    return {"format_version": "1.2", "terraform_version": "1.9.8",
            "resource_changes": [
                {"address": f"aws_cloudwatch_log_group.svc_{index}", "mode": "managed", "type": "aws_cloudwatch_log_group",
                 "name": f"svc_{index}", "change": {"actions": ["create"], "before": None,
                                                   "after": {"name": f"/ecs/svc-{index}"}, "after_unknown": {"arn": True}}},
                {"address": address, "mode": "managed", "type": "aws_ecs_task_definition", "name": f"svc_{index}",
                 "provider_name": "registry.terraform.io/hashicorp/aws",
                 "change": {"actions": ["create"], "before": None, "after": after,
                            "after_unknown": {"arn": True, "revision": True}}}]}


def taskdef(index, pid_mode):
    document = {"family": f"svc-{index}", "networkMode": "awsvpc",
                "containerDefinitions": [{k[0].lower() + k[1:]: v for k, v in container("app").items()}]}
    if pid_mode is not None:
        document["pidMode"] = pid_mode
    return document


def generate(root, count, seed):
    """Writes the tree; returns the planted findings as (relative path, resource) pairs and the per-kind file lists."""
    rng = random.Random(seed)
    if os.path.exists(root):
        shutil.rmtree(root)
    kinds = []
    for kind, share in FORMATS:
        kinds += [kind] * round(count * share)
    kinds = (kinds + ["other"] * count)[:count]
    rng.shuffle(kinds)
    candidates = [index for index, kind in enumerate(kinds) if kind != "other"]
    planted_indices = set(rng.sample(candidates, max(1, count // 100)))
    planted = []
    by_kind = {}
    for index, kind in enumerate(kinds):
        host = index in planted_indices and kind != "other"
        pid_mode = "host" if host else rng.choice([None, None, "task"])
        directory = os.path.join(root, f"team-{index % 50:02d}", f"service-{index:05d}")
        os.makedirs(directory, exist_ok=True)
        if kind == "cfn-yaml":
            path, text, resource = "template.yaml", yaml_dump(cfn_template(index, pid_mode)) + "\n", f"Task{index}"
        elif kind == "cfn-json":
            path, text, resource = "template.json", json.dumps(cfn_template(index, pid_mode), indent=2), f"Task{index}"
        elif kind == "cdk":
            directory = os.path.join(directory, "cdk.out")
            os.makedirs(directory, exist_ok=True)
            path, text, resource = f"Stack{index}.template.json", json.dumps(cfn_template(index, pid_mode), indent=1), f"Task{index}"
        elif kind == "tf":
            path, text, resource = "main.tf", terraform(index, pid_mode), f"aws_ecs_task_definition.svc_{index}"
        elif kind == "plan":
            path, text, resource = "plan.json", json.dumps(plan(index, pid_mode), indent=2), f"aws_ecs_task_definition.svc_{index}"
        elif kind == "taskdef":
            path, text, resource = "taskdef.json", json.dumps(taskdef(index, pid_mode), indent=2), f"svc-{index}"
        else:
            path, text, resource = "package.json", json.dumps({"name": f"svc-{index}", "version": "1.0.0",
                                                               "scripts": {"test": "jest"}}, indent=2), None
        full = os.path.join(directory, path)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(text)
        relative = os.path.relpath(full, root)
        by_kind.setdefault(kind, []).append(relative)
        if host:
            planted.append((relative, resource, kind))
    return planted, by_kind


def measure(command, cwd):
    """Runs `command`; returns (exit status, wall seconds, peak RSS MiB, stdout)."""
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, elapsed, usage.ru_maxrss / 1024, output


def pidmode_found(output, planted):
    report = json.loads(output)
    flagged = {(f["file"], f["resource"]) for f in report["findings"] if f["verdict"] == "noncompliant"}
    return sum((path, resource) in flagged for path, resource, _ in planted), report


def checkov_found(output, planted):
    """Checkov -o json prints one report or a list (one per framework); failed CKV_AWS_335 checks on planted resources."""
    reports = json.loads(output) if output.strip() else []
    if isinstance(reports, dict):
        reports = [reports]
    flagged = set()
    evaluated = 0
    for report in reports:
        results = report.get("results", {})
        evaluated += sum(c.get("check_id") == "CKV_AWS_335" for c in results.get("passed_checks", []))
        for check in results.get("failed_checks", []):
            if check.get("check_id") == "CKV_AWS_335":
                evaluated += 1
                flagged.add((check.get("file_path", "").lstrip("/"), check.get("resource", "")))
    found = sum(any(path.endswith(f) and resource == r for f, r in flagged) for path, resource, _ in planted)
    return found, len(flagged), evaluated


def row(name, files, seconds, rss, found, planted):
    rate = files / seconds if seconds > 0 else float("inf")
    print(f"{name:<44} {files:>6} {seconds:>9.2f} {rate:>9.0f} {rss:>9.1f} {found:>4}/{planted}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pidmode-check", required=True, type=os.path.abspath)
    parser.add_argument("--checkov", help="checkov executable (omit to skip Checkov)")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", default=".build-bench-scan")
    args = parser.parse_args()

    tree = os.path.abspath(os.path.join(args.root, "tree"))
    planted, by_kind = generate(tree, args.files, args.seed)
    tf_tree = os.path.abspath(os.path.join(args.root, "terraform-only"))
    if os.path.exists(tf_tree):
        shutil.rmtree(tf_tree)
    for kind in ("tf", "plan"):
        for relative in by_kind.get(kind, []):
            target = os.path.join(tf_tree, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(os.path.join(tree, relative), target)
    tf_planted = [p for p in planted if p[2] in ("tf", "plan")]
    tf_files = sum(len(by_kind.get(kind, [])) for kind in ("tf", "plan"))
    print(f"bench-scan: {args.files} files ({', '.join(f'{k} {len(v)}' for k, v in sorted(by_kind.items()))}), "
          f"{len(planted)} planted pidMode host ({len(tf_planted)} in Terraform files), seed {args.seed}")
    print(f"{'tool / input':<44} {'files':>6} {'seconds':>9} {'files/s':>9} {'RSS MiB':>9} found")

    status, seconds, rss, output = measure([args.pidmode_check, "--format", "json", "."], tree)
    found, report = pidmode_found(output, planted)
    row("pidmode-check, whole tree (all formats)", args.files, seconds, rss, found, len(planted))
    if status not in (0, 1) or report["summary"]["errors"]:
        print(f"bench-scan: FAIL: pidmode-check exit {status}, {report['summary']['errors']} errors", file=sys.stderr)
        return 1

    status, seconds, rss, output = measure([args.pidmode_check, "--format", "json", "."], tf_tree)
    tf_found, _ = pidmode_found(output, tf_planted)
    row("pidmode-check, Terraform files (.tf + plan)", tf_files, seconds, rss, tf_found, len(tf_planted))
    pidmode_tf_seconds = seconds

    if args.checkov:
        version = subprocess.run([args.checkov, "--version"], capture_output=True, text=True).stdout.strip()
        command = [args.checkov, "-d", ".", "--framework", "terraform", "terraform_plan", "--check", "CKV_AWS_335",
                   "-o", "json", "--skip-download"]
        env_command = ["env", "BC_SKIP_MAPPING=TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false"] + command
        status, seconds, rss, output = measure(env_command, tf_tree)
        try:
            ck_found, ck_flagged, ck_evaluated = checkov_found(output.decode(), tf_planted)
        except json.JSONDecodeError:
            print(f"bench-scan: checkov printed no JSON (exit {status})", file=sys.stderr)
            ck_found, ck_flagged, ck_evaluated = 0, 0, 0
        row(f"checkov {version} CKV_AWS_335, Terraform files", tf_files, seconds, rss, ck_found, len(tf_planted))
        print(f"bench-scan: on the files both read, pidmode-check took {pidmode_tf_seconds:.2f} s, checkov {seconds:.2f} s "
              f"({seconds / pidmode_tf_seconds:.0f}x); checkov evaluated CKV_AWS_335 on {ck_evaluated} resources and failed "
              f"{ck_flagged} (it reads pidMode inside container_definitions, not the resource's pid_mode)")
    if found != len(planted):
        print(f"bench-scan: FAIL: pidmode-check found {found} of {len(planted)} planted findings", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
