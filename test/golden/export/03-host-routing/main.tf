# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (4): these parts of berth.yaml do not carry over to AWS as they are.
#   - [name-not-exported] loadBalancers[hosts].listeners[80].rules[1].name: the name "api" has no AWS equivalent; kept in the Berth metadata only
#   - [docker-targets] targetGroups[api].targets.docker: filled from Docker (labels app=api,tier=backend, containerPort 3000); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[shop].targets.docker: filled from Docker (composeService shop, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [local-only-name] loadBalancers[hosts].listeners[80].rules[2].conditions.hostHeader: *.shop.localhost only resolves locally; exported unchanged — replace with your real domain

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

variable "hosts_subnets" {
  description = "Subnets for load balancer hosts (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "hosts_security_groups" {
  description = "Security groups for load balancer hosts"
  type        = list(string)
}

resource "aws_lb" "hosts" {
  name                       = "hosts"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.hosts_subnets
  security_groups            = var.hosts_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "hosts_http_80" {
  load_balancer_arn = aws_lb.hosts.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "unknown host"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "hosts_http_80_rule_1" {
  listener_arn = aws_lb_listener.hosts_http_80.arn
  priority     = 1

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  condition {
    host_header {
      values = ["api.example.com", "api-*.example.com"]
    }
  }
}

resource "aws_lb_listener_rule" "hosts_http_80_rule_2" {
  listener_arn = aws_lb_listener.hosts_http_80.arn
  priority     = 2

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.shop.arn
  }

  condition {
    host_header {
      values = ["*.shop.localhost", "shop.example.org"]
    }
  }
}

resource "aws_lb_listener_rule" "hosts_http_80_rule_3" {
  listener_arn = aws_lb_listener.hosts_http_80.arn
  priority     = 3

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  condition {
    host_header {
      values = ["admin?.example.com"]
    }
  }
}

resource "aws_lb_target_group" "api" {
  name                          = "api"
  port                          = 3000
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

resource "aws_lb_target_group" "shop" {
  name                          = "shop"
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
    matcher             = "200,204"
    path                = "/healthz"
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

output "hosts_dns_name" {
  description = "DNS name of load balancer hosts"
  value       = aws_lb.hosts.dns_name
}

output "api_target_group_arn" {
  description = "ARN of target group api"
  value       = aws_lb_target_group.api.arn
}

output "shop_target_group_arn" {
  description = "ARN of target group shop"
  value       = aws_lb_target_group.shop.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[hosts].listeners[80].rules[1].name"
        value = "api"
      },
      {
        path = "targetGroups[api].targets.docker"
        value = {
          labels = {
            app  = "api"
            tier = "backend"
          }
          containerPort = 3000
        }
      },
      {
        path = "targetGroups[shop].targets.docker"
        value = {
          composeService = "shop"
          containerPort  = 8080
        }
      },
    ]
  }
}
