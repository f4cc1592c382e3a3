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

variable "greeter_image" {
  description = "Image for container greeter (locally: composeService greeter)"
  type        = string
}

resource "aws_ecs_task_definition" "greeter" {
  family                   = "greeter"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "greeter"
      image     = var.greeter_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 50051
          hostPort      = 0
          protocol      = "tcp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "greeter" {
  name                              = "greeter"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.greeter.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.grpc_https_8443, aws_lb_listener_rule.grpc_https_8443_rule_10]

  load_balancer {
    target_group_arn = aws_lb_target_group.greeter.arn
    container_name   = "greeter"
    container_port   = 50051
  }
}

variable "h2_image" {
  description = "Image for container h2 (locally: composeService h2)"
  type        = string
}

resource "aws_ecs_task_definition" "h2" {
  family                   = "h2"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "h2"
      image     = var.h2_image
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

resource "aws_ecs_service" "h2" {
  name                              = "h2"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.h2.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.grpc_https_8443_rule_20]

  load_balancer {
    target_group_arn = aws_lb_target_group.h2.arn
    container_name   = "h2"
    container_port   = 8080
  }
}

variable "secure_image" {
  description = "Image for container secure (locally: composeService secure)"
  type        = string
}

resource "aws_ecs_task_definition" "secure" {
  family                   = "secure"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "secure"
      image     = var.secure_image
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

resource "aws_ecs_service" "secure" {
  name                              = "secure"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.secure.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.grpc_https_8443_rule_30]

  load_balancer {
    target_group_arn = aws_lb_target_group.secure.arn
    container_name   = "secure"
    container_port   = 8443
  }
}
