# ECS wiring for the target groups Berth fills from Docker.
# Locally, Berth registers every published host port of the matching containers; on AWS an ECS service
# does the same: with bridge networking and hostPort 0 Docker picks a free host port per task, and ECS
# registers instance + host port in the target group named in the service's loadBalancers entry.
# Services depend on the listeners and rules that use their groups (ECS cannot attach a group that no
# listener forwards to yet). A health check on a fixed port is published on that same host port, which
# allows one such task per instance. Review the image, memory and desired count before deploying.
# Keep this file beside the exported one (same module): it refers to its target groups.

variable "ecs_cluster_arn" {
  description = "ARN of the ECS cluster (EC2 capacity) that runs the services"
  type        = string
}

variable "blue_image" {
  description = "Image for container blue (locally: labels color=blue)"
  type        = string
}

resource "aws_ecs_task_definition" "blue" {
  family                   = "blue"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "blue"
      image     = var.blue_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8080
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "blue" {
  name                              = "blue"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.blue.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.canary_http_80]

  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = "blue"
    container_port   = 8080
  }
}

variable "green_image" {
  description = "Image for container green (locally: labels color=green)"
  type        = string
}

resource "aws_ecs_task_definition" "green" {
  family                   = "green"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "green"
      image     = var.green_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8080
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "green" {
  name                              = "green"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.green.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.canary_http_80, aws_lb_listener_rule.canary_http_80_rule_10]

  load_balancer {
    target_group_arn = aws_lb_target_group.green.arn
    container_name   = "green"
    container_port   = 8080
  }
}

variable "red_image" {
  description = "Image for container red (locally: labels color=red)"
  type        = string
}

resource "aws_ecs_task_definition" "red" {
  family                   = "red"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "red"
      image     = var.red_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8080
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "red" {
  name                              = "red"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.red.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.canary_http_80]

  load_balancer {
    target_group_arn = aws_lb_target_group.red.arn
    container_name   = "red"
    container_port   = 8080
  }
}
