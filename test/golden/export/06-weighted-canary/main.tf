# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (3): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[blue].targets.docker: filled from Docker (labels color=blue, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[green].targets.docker: filled from Docker (labels color=green, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[red].targets.docker: filled from Docker (labels color=red, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "canary_subnets" {
  description = "Subnets for load balancer canary (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "canary_security_groups" {
  description = "Security groups for load balancer canary"
  type        = list(string)
}

resource "aws_lb" "canary" {
  name                       = "canary"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.canary_subnets
  security_groups            = var.canary_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "canary_http_80" {
  load_balancer_arn = aws_lb.canary.arn
  port              = 80
  protocol          = "HTTP"

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
      target_group {
        arn    = aws_lb_target_group.red.arn
        weight = 0
      }
      stickiness {
        duration = 600
        enabled  = true
      }
    }
  }
}

resource "aws_lb_listener_rule" "canary_http_80_rule_10" {
  listener_arn = aws_lb_listener.canary_http_80.arn
  priority     = 10

  action {
    type = "forward"
    forward {
      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = 1
      }
      stickiness {
        duration = 3600
        enabled  = false
      }
    }
  }

  condition {
    http_header {
      http_header_name = "X-Canary"
      values           = ["true"]
    }
  }
}

resource "aws_lb_target_group" "blue" {
  name                          = "blue"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "weighted_random"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200"
    path                = "/"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 5
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "green" {
  name                          = "green"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "weighted_random"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200"
    path                = "/"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 5
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "red" {
  name                          = "red"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200"
    path                = "/"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 5
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

output "canary_dns_name" {
  description = "DNS name of load balancer canary"
  value       = aws_lb.canary.dns_name
}

output "blue_target_group_arn" {
  description = "ARN of target group blue"
  value       = aws_lb_target_group.blue.arn
}

output "green_target_group_arn" {
  description = "ARN of target group green"
  value       = aws_lb_target_group.green.arn
}

output "red_target_group_arn" {
  description = "ARN of target group red"
  value       = aws_lb_target_group.red.arn
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
            color = "blue"
          }
          containerPort = 8080
        }
      },
      {
        path = "targetGroups[green].targets.docker"
        value = {
          labels = {
            color = "green"
          }
          containerPort = 8080
        }
      },
      {
        path = "targetGroups[red].targets.docker"
        value = {
          labels = {
            color = "red"
          }
          containerPort = 8080
        }
      },
    ]
  }
}
