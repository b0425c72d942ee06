# ECS task definitions written with the hashicorp/aws provider.

variable "pid_mode" {
  type    = string
  default = "task"
}

locals {
  debug = false
}

resource "aws_ecs_task_definition" "node_exporter" {
  family       = "node-exporter"
  network_mode = "host"
  pid_mode     = "host"

  container_definitions = jsonencode([
    {
      name      = "node-exporter"
      image     = "quay.io/prometheus/node-exporter:v1.8.2"
      memory    = 128
      essential = true
    }
  ])
}

resource "aws_ecs_task_definition" "web" {
  family = "web"
  # pid_mode = "host"   (commented out: not set)

  container_definitions = <<-JSON
    [
      { "name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "memory": 512, "pidMode": "host" }
    ]
  JSON
}

resource "aws_ecs_task_definition" "tunable" {
  family                = "tunable"
  pid_mode              = var.pid_mode
  container_definitions = file("${path.module}/containers.json")
}

resource "aws_ecs_task_definition" "debug" {
  family                = "debug"
  pid_mode              = local.debug ? "host" : "task"
  container_definitions = file("${path.module}/containers.json")
}

resource "awscc_ecs_task_definition" "cloud_control" {
  family   = "cloud-control"
  pid_mode = "task"
  container_definitions = [{
    name   = "app"
    image  = "public.ecr.aws/docker/library/alpine:3.20"
    memory = 64
  }]
}
