# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (3): these parts of berth.yaml do not carry over to AWS as they are.
#   - [docker-targets] targetGroups[by-name].targets.docker: filled from Docker (containerName web-?, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[by-image].targets.docker: filled from Docker (image registry.local:5000/team/images:1.2, containerPort 80); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[ip-targets].targets.docker: filled from Docker (labels com.example.role=websocket,team=realtime, containerPort 9000); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "mixed_subnets" {
  description = "Subnets for load balancer mixed (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "mixed_security_groups" {
  description = "Security groups for load balancer mixed"
  type        = list(string)
}

resource "aws_lb" "mixed" {
  name                       = "mixed"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.mixed_subnets
  security_groups            = var.mixed_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "mixed_http_8080" {
  load_balancer_arn = aws_lb.mixed.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.by_name.arn
  }
}

resource "aws_lb_listener_rule" "mixed_http_8080_rule_1" {
  listener_arn = aws_lb_listener.mixed_http_8080.arn
  priority     = 1

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.by_image.arn
  }

  condition {
    path_pattern {
      values = ["/img/*"]
    }
  }
}

resource "aws_lb_listener_rule" "mixed_http_8080_rule_2" {
  listener_arn = aws_lb_listener.mixed_http_8080.arn
  priority     = 2

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ip_targets.arn
  }

  condition {
    path_pattern {
      values = ["/ws/*"]
    }
  }
}

resource "aws_lb_target_group" "by_name" {
  name                          = "by-name"
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

resource "aws_lb_target_group" "by_image" {
  name                          = "by-image"
  port                          = 80
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

resource "aws_lb_target_group" "ip_targets" {
  name                          = "ip-targets"
  port                          = 9000
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "ip"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "200"
    path                = "/live"
    port                = "9443"
    protocol            = "HTTPS"
    timeout             = 5
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

output "mixed_dns_name" {
  description = "DNS name of load balancer mixed"
  value       = aws_lb.mixed.dns_name
}

output "by_name_target_group_arn" {
  description = "ARN of target group by-name"
  value       = aws_lb_target_group.by_name.arn
}

output "by_image_target_group_arn" {
  description = "ARN of target group by-image"
  value       = aws_lb_target_group.by_image.arn
}

output "ip_targets_target_group_arn" {
  description = "ARN of target group ip-targets"
  value       = aws_lb_target_group.ip_targets.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[by-name].targets.docker"
        value = {
          containerName = "web-?"
          containerPort = 8080
        }
      },
      {
        path = "targetGroups[by-image].targets.docker"
        value = {
          image         = "registry.local:5000/team/images:1.2"
          containerPort = 80
        }
      },
      {
        path = "targetGroups[ip-targets].targets.docker"
        value = {
          labels = {
            "com.example.role" = "websocket"
            team               = "realtime"
          }
          containerPort = 9000
        }
      },
    ]
  }
}
