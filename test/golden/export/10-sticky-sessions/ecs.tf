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

variable "cart_image" {
  description = "Image for container cart (locally: composeService cart)"
  type        = string
}

resource "aws_ecs_task_definition" "cart" {
  family                   = "cart"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "cart"
      image     = var.cart_image
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

resource "aws_ecs_service" "cart" {
  name                              = "cart"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.cart.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.sessions_http_8080]

  load_balancer {
    target_group_arn = aws_lb_target_group.cart.arn
    container_name   = "cart"
    container_port   = 8080
  }
}

variable "account_image" {
  description = "Image for container account (locally: composeService account)"
  type        = string
}

resource "aws_ecs_task_definition" "account" {
  family                   = "account"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "account"
      image     = var.account_image
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

resource "aws_ecs_service" "account" {
  name                              = "account"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.account.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 45
  depends_on                        = [aws_lb_listener_rule.sessions_http_8080_rule_1]

  load_balancer {
    target_group_arn = aws_lb_target_group.account.arn
    container_name   = "account"
    container_port   = 8080
  }
}
