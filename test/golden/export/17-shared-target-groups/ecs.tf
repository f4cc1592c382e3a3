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

variable "api_image" {
  description = "Image for container api (locally: composeService api)"
  type        = string
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "api"
      image     = var.api_image
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

resource "aws_ecs_service" "api" {
  name                              = "api"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.api.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 75
  depends_on                        = [aws_lb_listener.public_http_80, aws_lb_listener_rule.admin_http_8080_rule_10, aws_lb_listener_rule.admin_http_8080_rule_20]

  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.api_admin.arn
    container_name   = "api"
    container_port   = 8080
  }
}

variable "admin_ui_image" {
  description = "Image for container admin-ui (locally: composeService admin-ui)"
  type        = string
}

resource "aws_ecs_task_definition" "admin_ui" {
  family                   = "admin-ui"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "admin-ui"
      image     = var.admin_ui_image
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

resource "aws_ecs_service" "admin_ui" {
  name                              = "admin-ui"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.admin_ui.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.admin_http_8080_rule_10]

  load_balancer {
    target_group_arn = aws_lb_target_group.admin_ui.arn
    container_name   = "admin-ui"
    container_port   = 3000
  }
}

variable "postgres_image" {
  description = "Image for container postgres (locally: composeService postgres)"
  type        = string
}

resource "aws_ecs_task_definition" "postgres" {
  family                   = "postgres"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "postgres"
      image     = var.postgres_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 5432
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "postgres" {
  name                              = "postgres"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.postgres.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.db_a_tcp_5432, aws_lb_listener.db_b_tcp_5433]

  load_balancer {
    target_group_arn = aws_lb_target_group.postgres.arn
    container_name   = "postgres"
    container_port   = 5432
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.postgres_db_b.arn
    container_name   = "postgres"
    container_port   = 5432
  }
}
