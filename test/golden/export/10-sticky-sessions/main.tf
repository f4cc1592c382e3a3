# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (2): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[cart].targets.docker: filled from Docker (composeService cart, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[account].targets.docker: filled from Docker (composeService account, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "sessions_subnets" {
  description = "Subnets for load balancer sessions (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "sessions_security_groups" {
  description = "Security groups for load balancer sessions"
  type        = list(string)
}

resource "aws_lb" "sessions" {
  name                       = "sessions"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.sessions_subnets
  security_groups            = var.sessions_security_groups
  idle_timeout               = 60
  preserve_host_header       = true
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "sessions_http_8080" {
  load_balancer_arn = aws_lb.sessions.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.cart.arn
  }
}

resource "aws_lb_listener_rule" "sessions_http_8080_rule_1" {
  listener_arn = aws_lb_listener.sessions_http_8080.arn
  priority     = 1

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.account.arn
  }

  condition {
    path_pattern {
      values = ["/account/*"]
    }
  }
}

resource "aws_lb_target_group" "cart" {
  name                          = "cart"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 30
  slow_start                    = 60
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
    cookie_duration = 7200
    cookie_name     = "CARTID"
    enabled         = true
    type            = "app_cookie"
  }
}

resource "aws_lb_target_group" "account" {
  name                          = "account"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 0
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 3
    interval            = 15
    matcher             = "200"
    path                = "/"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 10
    unhealthy_threshold = 4
  }

  stickiness {
    cookie_duration = 3600
    enabled         = true
    type            = "lb_cookie"
  }
}

output "sessions_dns_name" {
  description = "DNS name of load balancer sessions"
  value       = aws_lb.sessions.dns_name
}

output "cart_target_group_arn" {
  description = "ARN of target group cart"
  value       = aws_lb_target_group.cart.arn
}

output "account_target_group_arn" {
  description = "ARN of target group account"
  value       = aws_lb_target_group.account.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[cart].targets.docker"
        value = {
          composeService = "cart"
          containerPort  = 8080
        }
      },
      {
        path = "targetGroups[account].targets.docker"
        value = {
          composeService = "account"
          containerPort  = 8080
        }
      },
    ]
  }
}
