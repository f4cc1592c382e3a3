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

variable "ingress_image" {
  description = "Image for container ingress (locally: composeService ingress)"
  type        = string
}

resource "aws_ecs_task_definition" "ingress" {
  family                   = "ingress"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "ingress"
      image     = var.ingress_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 443
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "ingress" {
  name                              = "ingress"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.ingress.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.passthrough_tcp_443]

  load_balancer {
    target_group_arn = aws_lb_target_group.default_tls.arn
    container_name   = "ingress"
    container_port   = 443
  }
}

variable "a_image" {
  description = "Image for container a (locally: composeService a)"
  type        = string
}

resource "aws_ecs_task_definition" "a" {
  family                   = "a"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "a"
      image     = var.a_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8443
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "a" {
  name                              = "a"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.a.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150

  load_balancer {
    target_group_arn = aws_lb_target_group.tls_a.arn
    container_name   = "a"
    container_port   = 8443
  }
}

variable "b_image" {
  description = "Image for container b (locally: composeService b)"
  type        = string
}

resource "aws_ecs_task_definition" "b" {
  family                   = "b"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "b"
      image     = var.b_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8443
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "b" {
  name                              = "b"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.b.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150

  load_balancer {
    target_group_arn = aws_lb_target_group.tls_b.arn
    container_name   = "b"
    container_port   = 8443
  }
}
