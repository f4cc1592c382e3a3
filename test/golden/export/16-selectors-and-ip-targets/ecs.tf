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

variable "ecs_subnets" {
  description = "Subnets for tasks in awsvpc mode (ip target groups)"
  type        = list(string)
}

variable "by_name_image" {
  description = "Image for container by-name (locally: containerName web-?)"
  type        = string
}

resource "aws_ecs_task_definition" "by_name" {
  family                   = "by-name"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "by-name"
      image     = var.by_name_image
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

resource "aws_ecs_service" "by_name" {
  name                              = "by-name"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.by_name.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.mixed_http_8080]

  load_balancer {
    target_group_arn = aws_lb_target_group.by_name.arn
    container_name   = "by-name"
    container_port   = 8080
  }
}

variable "images_image" {
  description = "Image for container images (locally: image registry.local:5000/team/images:1.2)"
  type        = string
}

resource "aws_ecs_task_definition" "images" {
  family                   = "images"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "images"
      image     = var.images_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 80
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "images" {
  name                              = "images"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.images.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.mixed_http_8080_rule_1]

  load_balancer {
    target_group_arn = aws_lb_target_group.by_image.arn
    container_name   = "images"
    container_port   = 80
  }
}

variable "websocket_image" {
  description = "Image for container websocket (locally: labels com.example.role=websocket,team=realtime)"
  type        = string
}

resource "aws_ecs_task_definition" "websocket" {
  family                   = "websocket"
  network_mode             = "awsvpc"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "websocket"
      image     = var.websocket_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 9000
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "websocket" {
  name                              = "websocket"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.websocket.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.mixed_http_8080_rule_2]

  load_balancer {
    target_group_arn = aws_lb_target_group.ip_targets.arn
    container_name   = "websocket"
    container_port   = 9000
  }

  network_configuration {
    subnets = var.ecs_subnets
  }
}
