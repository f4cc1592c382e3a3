# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (3): these parts of berth.yaml do not carry over to AWS as they are.
#   - [certificate-parameter] loadBalancers[edge-web].listeners[443].certificates: served locally from local PEM files (certs/www.pem, certs/legacy.pem); on AWS supply ACM certificate ARNs in variable edge_web_https_443_certificate_arn, variable edge_web_https_443_certificate_arn_2
#   - [local-certificates] loadBalancers[edge-web].listeners[443].hostnames: extra host names for locally minted certificates (["www.example.com","legacy.example.com"]); make sure your ACM certificate covers the names you need
#   - [docker-targets] targetGroups[site].targets.docker: filled from Docker (composeService site, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "edge_web_subnets" {
  description = "Subnets for load balancer edge-web (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "edge_web_security_groups" {
  description = "Security groups for load balancer edge-web"
  type        = list(string)
}

variable "edge_web_https_443_certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener on port 443 of edge-web (default certificate)"
  type        = string
}

variable "edge_web_https_443_certificate_arn_2" {
  description = "ACM certificate ARN for the HTTPS listener on port 443 of edge-web (SNI certificate list)"
  type        = string
}

resource "aws_lb" "edge_web" {
  name                       = "edge-web"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.edge_web_subnets
  security_groups            = var.edge_web_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "edge_web_http_80" {
  load_balancer_arn = aws_lb.edge_web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      host        = "#{host}"
      path        = "/#{path}"
      port        = "443"
      protocol    = "HTTPS"
      query       = "#{query}"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "edge_web_https_443" {
  load_balancer_arn = aws_lb.edge_web.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.edge_web_https_443_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.site.arn
  }
}

resource "aws_lb_listener_rule" "edge_web_https_443_rule_10" {
  listener_arn = aws_lb_listener.edge_web_https_443.arn
  priority     = 10

  action {
    type = "redirect"
    redirect {
      host        = "www.example.com"
      path        = "/legacy/#{path}"
      port        = "#{port}"
      protocol    = "#{protocol}"
      query       = "#{query}"
      status_code = "HTTP_301"
    }
  }

  condition {
    host_header {
      values = ["legacy.example.com"]
    }
  }
}

resource "aws_lb_listener_rule" "edge_web_https_443_rule_20" {
  listener_arn = aws_lb_listener.edge_web_https_443.arn
  priority     = 20

  action {
    type = "redirect"
    redirect {
      host        = "#{host}"
      path        = "/find"
      port        = "#{port}"
      protocol    = "#{protocol}"
      query       = "q=#{query}&from=search"
      status_code = "HTTP_302"
    }
  }

  condition {
    path_pattern {
      values = ["/search"]
    }
  }
}

resource "aws_lb_listener_certificate" "edge_web_https_443_2" {
  listener_arn    = aws_lb_listener.edge_web_https_443.arn
  certificate_arn = var.edge_web_https_443_certificate_arn_2
}

resource "aws_lb_target_group" "site" {
  name                          = "site"
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

output "edge_web_dns_name" {
  description = "DNS name of load balancer edge-web"
  value       = aws_lb.edge_web.dns_name
}

output "site_target_group_arn" {
  description = "ARN of target group site"
  value       = aws_lb_target_group.site.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "loadBalancers[edge-web].listeners[443].certificates"
        value = [
          {
            certFile = "certs/www.pem"
            keyFile  = "certs/www-key.pem"
          },
          {
            certFile = "certs/legacy.pem"
            keyFile  = "certs/legacy-key.pem"
          },
        ]
      },
      {
        path  = "loadBalancers[edge-web].listeners[443].hostnames"
        value = ["www.example.com", "legacy.example.com"]
      },
      {
        path = "targetGroups[site].targets.docker"
        value = {
          composeService = "site"
          containerPort  = 8080
        }
      },
    ]
  }
}
