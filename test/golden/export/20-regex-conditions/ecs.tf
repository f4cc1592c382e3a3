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

variable "users_image" {
  description = "Image for container users (locally: composeService users)"
  type        = string
}

resource "aws_ecs_task_definition" "users" {
  family                   = "users"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "users"
      image     = var.users_image
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

resource "aws_ecs_service" "users" {
  name                              = "users"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.users.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener_rule.api_http_80_rule_10, aws_lb_listener_rule.api_http_80_rule_20]

  load_balancer {
    target_group_arn = aws_lb_target_group.users.arn
    container_name   = "users"
    container_port   = 8080
  }
}
