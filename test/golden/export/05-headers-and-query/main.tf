# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (2): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[stable].targets.docker: filled from Docker (composeService app, containerPort 8000); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[beta].targets.docker: filled from Docker (composeService app-beta, containerPort 8000); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "match_subnets" {
  description = "Subnets for load balancer match (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "match_security_groups" {
  description = "Security groups for load balancer match"
  type        = list(string)
}

resource "aws_lb" "match" {
  name                       = "match"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.match_subnets
  security_groups            = var.match_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "match_http_8000" {
  load_balancer_arn = aws_lb.match.arn
  port              = 8000
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.stable.arn
  }
}

resource "aws_lb_listener_rule" "match_http_8000_rule_5" {
  listener_arn = aws_lb_listener.match_http_8000.arn
  priority     = 5

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.beta.arn
  }

  condition {
    http_header {
      http_header_name = "X-Beta"
      values           = ["on"]
    }
  }

  condition {
    http_header {
      http_header_name = "User-Agent"
      values           = ["*Mobile*"]
    }
  }

  condition {
    source_ip {
      values = ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"]
    }
  }
}

resource "aws_lb_listener_rule" "match_http_8000_rule_6" {
  listener_arn = aws_lb_listener.match_http_8000.arn
  priority     = 6

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.beta.arn
  }

  condition {
    query_string {
      key   = "version"
      value = "2"
    }
    query_string {
      value = "beta"
    }
  }
}

resource "aws_lb_listener_rule" "match_http_8000_rule_7" {
  listener_arn = aws_lb_listener.match_http_8000.arn
  priority     = 7

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.beta.arn
  }

  condition {
    http_request_method {
      values = ["GET"]
    }
  }

  condition {
    query_string {
      key   = "feature*"
      value = "*"
    }
  }
}

resource "aws_lb_target_group" "stable" {
  name                          = "stable"
  port                          = 8000
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

resource "aws_lb_target_group" "beta" {
  name                          = "beta"
  port                          = 8000
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

output "match_dns_name" {
  description = "DNS name of load balancer match"
  value       = aws_lb.match.dns_name
}

output "stable_target_group_arn" {
  description = "ARN of target group stable"
  value       = aws_lb_target_group.stable.arn
}

output "beta_target_group_arn" {
  description = "ARN of target group beta"
  value       = aws_lb_target_group.beta.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[stable].targets.docker"
        value = {
          composeService = "app"
          containerPort  = 8000
        }
      },
      {
        path = "targetGroups[beta].targets.docker"
        value = {
          composeService = "app-beta"
          containerPort  = 8000
        }
      },
    ]
  }
}
