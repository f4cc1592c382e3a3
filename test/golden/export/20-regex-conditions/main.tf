# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (1): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[users].targets.docker: filled from Docker (composeService users, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "api_subnets" {
  description = "Subnets for load balancer api (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "api_security_groups" {
  description = "Security groups for load balancer api"
  type        = list(string)
}

resource "aws_lb" "api" {
  name                       = "api"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.api_subnets
  security_groups            = var.api_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "api_http_80" {
  load_balancer_arn = aws_lb.api.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "no route"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "api_http_80_rule_10" {
  listener_arn = aws_lb_listener.api_http_80.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.users.arn
  }

  condition {
    host_header {
      regex_values = ["^api-[0-9]+\\.example\\.com(:8443)?$"]
    }
  }

  condition {
    path_pattern {
      regex_values = ["^/v[0-9]+/users/[0-9]+$"]
    }
  }
}

resource "aws_lb_listener_rule" "api_http_80_rule_20" {
  listener_arn = aws_lb_listener.api_http_80.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.users.arn
  }

  condition {
    http_header {
      http_header_name = "X-Build"
      regex_values     = ["^[0-9a-f]{7}$"]
    }
  }

  condition {
    http_header {
      http_header_name = "X-Env"
      values           = ["beta"]
    }
  }
}

resource "aws_lb_target_group" "users" {
  name                          = "users"
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

output "api_dns_name" {
  description = "DNS name of load balancer api"
  value       = aws_lb.api.dns_name
}

output "users_target_group_arn" {
  description = "ARN of target group users"
  value       = aws_lb_target_group.users.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[users].targets.docker"
        value = {
          composeService = "users"
          containerPort  = 8080
        }
      },
    ]
  }
}
