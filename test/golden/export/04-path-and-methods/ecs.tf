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

variable "nginx_image" {
  description = "Image for container nginx (locally: image nginx:*)"
  type        = string
}

resource "aws_ecs_task_definition" "nginx" {
  family                   = "nginx"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "nginx"
      image     = var.nginx_image
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

resource "aws_ecs_service" "nginx" {
  name                              = "nginx"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.nginx.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.paths_http_8080, aws_lb_listener_rule.paths_http_8080_rule_300]

  load_balancer {
    target_group_arn = aws_lb_target_group.frontend.arn
    container_name   = "nginx"
    container_port   = 80
  }
}

variable "reader_image" {
  description = "Image for container reader (locally: labels role=reader)"
  type        = string
}

resource "aws_ecs_task_definition" "reader" {
  family                   = "reader"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "reader"
      image     = var.reader_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8081
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "reader" {
  name                              = "reader"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.reader.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 50
  depends_on                        = [aws_lb_listener_rule.paths_http_8080_rule_100]

  load_balancer {
    target_group_arn = aws_lb_target_group.reader.arn
    container_name   = "reader"
    container_port   = 8081
  }
}

variable "writer_image" {
  description = "Image for container writer (locally: labels role=writer)"
  type        = string
}

resource "aws_ecs_task_definition" "writer" {
  family                   = "writer"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "writer"
      image     = var.writer_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 8082
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "writer" {
  name                              = "writer"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.writer.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.paths_http_8080_rule_200]

  load_balancer {
    target_group_arn = aws_lb_target_group.writer.arn
    container_name   = "writer"
    container_port   = 8082
  }
}
