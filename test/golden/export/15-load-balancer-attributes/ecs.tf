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

variable "backend_image" {
  description = "Image for container backend (locally: composeProject platform, composeService backend)"
  type        = string
}

resource "aws_ecs_task_definition" "backend" {
  family                   = "backend"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "backend"
      image     = var.backend_image
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

resource "aws_ecs_service" "backend" {
  name                              = "backend"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.backend.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.internal_api_http_8080]

  load_balancer {
    target_group_arn = aws_lb_target_group.backend.arn
    container_name   = "backend"
    container_port   = 8080
  }
}

variable "frontend_image" {
  description = "Image for container frontend (locally: composeProject platform, composeService frontend)"
  type        = string
}

resource "aws_ecs_task_definition" "frontend" {
  family                   = "frontend"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "frontend"
      image     = var.frontend_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 3000
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "frontend" {
  name                              = "frontend"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.frontend.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.public_web_http_80]

  load_balancer {
    target_group_arn = aws_lb_target_group.frontend.arn
    container_name   = "frontend"
    container_port   = 3000
  }
}
