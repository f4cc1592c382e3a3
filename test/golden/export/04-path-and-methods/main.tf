# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (5): these parts of berth.yaml do not carry over to AWS as they are.
#   - [name-not-exported] loadBalancers[paths].listeners[8080].rules[100].name: the name "read-api" has no AWS equivalent; kept in the Berth metadata only
#   - [name-not-exported] loadBalancers[paths].listeners[8080].rules[200].name: the name "write-api" has no AWS equivalent; kept in the Berth metadata only
#   - [docker-targets] targetGroups[frontend].targets.docker: filled from Docker (image nginx:*, containerPort 80); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[reader].targets.docker: filled from Docker (labels role=reader, containerPort 8081); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[writer].targets.docker: filled from Docker (labels role=writer, containerPort 8082); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "paths_subnets" {
  description = "Subnets for load balancer paths (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "paths_security_groups" {
  description = "Security groups for load balancer paths"
  type        = list(string)
}

resource "aws_lb" "paths" {
  name                       = "paths"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.paths_subnets
  security_groups            = var.paths_security_groups
  idle_timeout               = 120
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "paths_http_8080" {
  load_balancer_arn = aws_lb.paths.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.frontend.arn
  }
}

resource "aws_lb_listener_rule" "paths_http_8080_rule_100" {
  listener_arn = aws_lb_listener.paths_http_8080.arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.reader.arn
  }

  condition {
    path_pattern {
      values = ["/api/*", "/api"]
    }
  }

  condition {
    http_request_method {
      values = ["GET", "HEAD"]
    }
  }
}

resource "aws_lb_listener_rule" "paths_http_8080_rule_200" {
  listener_arn = aws_lb_listener.paths_http_8080.arn
  priority     = 200

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.writer.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }

  condition {
    http_request_method {
      values = ["POST", "PUT", "DELETE"]
    }
  }
}

resource "aws_lb_listener_rule" "paths_http_8080_rule_300" {
  listener_arn = aws_lb_listener.paths_http_8080.arn
  priority     = 300

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.frontend.arn
  }

  condition {
    path_pattern {
      values = ["/static/*.css", "/static/*.js"]
    }
  }
}

resource "aws_lb_target_group" "frontend" {
  name                          = "frontend"
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

resource "aws_lb_target_group" "reader" {
  name                          = "reader"
  port                          = 8081
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "least_outstanding_requests"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 10
    matcher             = "200"
    path                = "/ready"
    port                = "traffic-port"
    protocol            = "HTTP"
    timeout             = 3
    unhealthy_threshold = 2
  }

  stickiness {
    cookie_duration = 86400
    enabled         = false
    type            = "lb_cookie"
  }
}

resource "aws_lb_target_group" "writer" {
  name                          = "writer"
  port                          = 8082
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

output "paths_dns_name" {
  description = "DNS name of load balancer paths"
  value       = aws_lb.paths.dns_name
}

output "frontend_target_group_arn" {
  description = "ARN of target group frontend"
  value       = aws_lb_target_group.frontend.arn
}

output "reader_target_group_arn" {
  description = "ARN of target group reader"
  value       = aws_lb_target_group.reader.arn
}

output "writer_target_group_arn" {
  description = "ARN of target group writer"
  value       = aws_lb_target_group.writer.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[paths].listeners[8080].rules[100].name"
        value = "read-api"
      },
      {
        path  = "loadBalancers[paths].listeners[8080].rules[200].name"
        value = "write-api"
      },
      {
        path = "targetGroups[frontend].targets.docker"
        value = {
          image         = "nginx:*"
          containerPort = 80
        }
      },
      {
        path = "targetGroups[reader].targets.docker"
        value = {
          labels = {
            role = "reader"
          }
          containerPort = 8081
        }
      },
      {
        path = "targetGroups[writer].targets.docker"
        value = {
          labels = {
            role = "writer"
          }
          containerPort = 8082
        }
      },
    ]
  }
}
