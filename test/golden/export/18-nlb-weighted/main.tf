# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (4): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[blue].targets.docker: filled from Docker (labels app=game,color=blue, containerPort 7000); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[green].targets.docker: filled from Docker (labels app=game,color=green, containerPort 7000); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[voice-new].targets.docker: filled from Docker (labels app=game,color=green, containerPort 7001); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[voice-old].targets.docker: filled from Docker (labels app=game,color=blue, containerPort 7001); on AWS, ECS registers the tasks instead — see the ECS snippet

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "vpc_id" {
  description = "VPC the target groups belong to"
  type        = string
}

variable "game_subnets" {
  description = "Subnets for load balancer game"
  type        = list(string)
}

resource "aws_lb" "game" {
  name               = "game"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.game_subnets
}

resource "aws_lb_listener" "game_tcp_7000" {
  load_balancer_arn = aws_lb.game.arn
  port              = 7000
  protocol          = "TCP"

  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = 90
      }
      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = 10
      }
    }
  }
}

resource "aws_lb_listener" "game_tcp_udp_7001" {
  load_balancer_arn = aws_lb.game.arn
  port              = 7001
  protocol          = "TCP_UDP"

  default_action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.voice_new.arn
        weight = 999
      }
      target_group {
        arn    = aws_lb_target_group.voice_old.arn
        weight = 0
      }
    }
  }
}

resource "aws_lb_target_group" "blue" {
  name                 = "blue"
  port                 = 7000
  protocol             = "TCP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 10
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "green" {
  name                 = "green"
  port                 = 7000
  protocol             = "TCP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 10
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "voice_new" {
  name                 = "voice-new"
  port                 = 7001
  protocol             = "TCP_UDP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 10
    unhealthy_threshold = 2
  }
}

resource "aws_lb_target_group" "voice_old" {
  name                 = "voice-old"
  port                 = 7001
  protocol             = "TCP_UDP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 300
  proxy_protocol_v2    = false

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    port                = "traffic-port"
    protocol            = "TCP"
    timeout             = 10
    unhealthy_threshold = 2
  }
}

output "game_dns_name" {
  description = "DNS name of load balancer game"
  value       = aws_lb.game.dns_name
}

output "blue_target_group_arn" {
  description = "ARN of target group blue"
  value       = aws_lb_target_group.blue.arn
}

output "green_target_group_arn" {
  description = "ARN of target group green"
  value       = aws_lb_target_group.green.arn
}

output "voice_new_target_group_arn" {
  description = "ARN of target group voice-new"
  value       = aws_lb_target_group.voice_new.arn
}

output "voice_old_target_group_arn" {
  description = "ARN of target group voice-old"
  value       = aws_lb_target_group.voice_old.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[blue].targets.docker"
        value = {
          labels = {
            app   = "game"
            color = "blue"
          }
          containerPort = 7000
        }
      },
      {
        path = "targetGroups[green].targets.docker"
        value = {
          labels = {
            app   = "game"
            color = "green"
          }
          containerPort = 7000
        }
      },
      {
        path = "targetGroups[voice-new].targets.docker"
        value = {
          labels = {
            app   = "game"
            color = "green"
          }
          containerPort = 7001
        }
      },
      {
        path = "targetGroups[voice-old].targets.docker"
        value = {
          labels = {
            app   = "game"
            color = "blue"
          }
          containerPort = 7001
        }
      },
    ]
  }
}
