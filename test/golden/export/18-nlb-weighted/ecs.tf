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

variable "game_image" {
  description = "Image for container game (locally: labels app=game,color=blue)"
  type        = string
}

resource "aws_ecs_task_definition" "game" {
  family                   = "game"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "game"
      image     = var.game_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 7000
          hostPort      = 0
          protocol      = "tcp"
        },
        {
          containerPort = 7001
          hostPort      = 0
          protocol      = "tcp"
        },
        {
          containerPort = 7001
          hostPort      = 0
          protocol      = "udp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "game" {
  name                              = "game"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.game.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.game_tcp_7000, aws_lb_listener.game_tcp_udp_7001]

  load_balancer {
    target_group_arn = aws_lb_target_group.blue.arn
    container_name   = "game"
    container_port   = 7000
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.voice_old.arn
    container_name   = "game"
    container_port   = 7001
  }
}

variable "game2_image" {
  description = "Image for container game2 (locally: labels app=game,color=green)"
  type        = string
}

resource "aws_ecs_task_definition" "game2" {
  family                   = "game2"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name      = "game2"
      image     = var.game2_image
      essential = true
      memory    = 512
      portMappings = [
        {
          containerPort = 7000
          hostPort      = 0
          protocol      = "tcp"
        },
        {
          containerPort = 7001
          hostPort      = 0
          protocol      = "tcp"
        },
        {
          containerPort = 7001
          hostPort      = 0
          protocol      = "udp"
        },
      ]
    },
  ])
}

resource "aws_ecs_service" "game2" {
  name                              = "game2"
  cluster                           = var.ecs_cluster_arn
  task_definition                   = aws_ecs_task_definition.game2.arn
  launch_type                       = "EC2"
  desired_count                     = 1
  health_check_grace_period_seconds = 150
  depends_on                        = [aws_lb_listener.game_tcp_7000, aws_lb_listener.game_tcp_udp_7001]

  load_balancer {
    target_group_arn = aws_lb_target_group.green.arn
    container_name   = "game2"
    container_port   = 7000
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.voice_new.arn
    container_name   = "game2"
    container_port   = 7001
  }
}
