# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (6): these parts of berth.yaml do not carry over to AWS as they are.
#   - [ssl-policy-default] loadBalancers[grpc].listeners[8443].sslPolicy: no sslPolicy set; exported AWS's default ELBSecurityPolicy-2016-08 explicitly
#   - [certificate-parameter] loadBalancers[grpc].listeners[8443].certificates: served locally from Berth's local CA (auto); on AWS supply ACM certificate ARNs in variable grpc_https_8443_certificate_arn
#   - [local-certificates] loadBalancers[grpc].listeners[8443].hostnames: extra host names for locally minted certificates (["grpc.example.com"]); make sure your ACM certificate covers the names you need
#   - [docker-targets] targetGroups[greeter].targets.docker: filled from Docker (composeService greeter, containerPort 50051); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[h2].targets.docker: filled from Docker (composeService h2, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[secure].targets.docker: filled from Docker (composeService secure, containerPort 8443); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "grpc_subnets" {
  description = "Subnets for load balancer grpc (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "grpc_security_groups" {
  description = "Security groups for load balancer grpc"
  type        = list(string)
}

variable "grpc_https_8443_certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener on port 8443 of grpc (default certificate)"
  type        = string
}

resource "aws_lb" "grpc" {
  name                       = "grpc"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.grpc_subnets
  security_groups            = var.grpc_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "grpc_https_8443" {
  load_balancer_arn = aws_lb.grpc.arn
  port              = 8443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = var.grpc_https_8443_certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.greeter.arn
  }
}

resource "aws_lb_listener_rule" "grpc_https_8443_rule_10" {
  listener_arn = aws_lb_listener.grpc_https_8443.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.greeter.arn
  }

  condition {
    path_pattern {
      values = ["/helloworld.Greeter/*"]
    }
  }
}

resource "aws_lb_listener_rule" "grpc_https_8443_rule_20" {
  listener_arn = aws_lb_listener.grpc_https_8443.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.h2.arn
  }

  condition {
    host_header {
      values = ["h2.example.com"]
    }
  }
}

resource "aws_lb_listener_rule" "grpc_https_8443_rule_30" {
  listener_arn = aws_lb_listener.grpc_https_8443.arn
  priority     = 30

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.secure.arn
  }

  condition {
    host_header {
      values = ["secure.example.com"]
    }
  }
}

resource "aws_lb_target_group" "greeter" {
  name                          = "greeter"
  port                          = 50051
  protocol                      = "HTTP"
  protocol_version              = "GRPC"
  target_type                   = "instance"
  vpc_id                        = var.vpc_id
  deregistration_delay          = 300
  slow_start                    = 0
  load_balancing_algorithm_type = "round_robin"

  health_check {
    enabled             = true
    healthy_threshold   = 5
    interval            = 30
    matcher             = "12"
    path                = "/grpc.health.v1.Health/Check"
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

resource "aws_lb_target_group" "h2" {
  name                          = "h2"
  port                          = 8080
  protocol                      = "HTTP"
  protocol_version              = "HTTP2"
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

resource "aws_lb_target_group" "secure" {
  name                          = "secure"
  port                          = 8443
  protocol                      = "HTTPS"
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
    matcher             = "200-399"
    path                = "/status"
    port                = "traffic-port"
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

output "grpc_dns_name" {
  description = "DNS name of load balancer grpc"
  value       = aws_lb.grpc.dns_name
}

output "greeter_target_group_arn" {
  description = "ARN of target group greeter"
  value       = aws_lb_target_group.greeter.arn
}

output "h2_target_group_arn" {
  description = "ARN of target group h2"
  value       = aws_lb_target_group.h2.arn
}

output "secure_target_group_arn" {
  description = "ARN of target group secure"
  value       = aws_lb_target_group.secure.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[grpc].listeners[8443].hostnames"
        value = ["grpc.example.com"]
      },
      {
        path  = "loadBalancers[grpc].listeners[8443].sslPolicy"
        unset = true
      },
      {
        path = "targetGroups[greeter].targets.docker"
        value = {
          composeService = "greeter"
          containerPort  = 50051
        }
      },
      {
        path = "targetGroups[h2].targets.docker"
        value = {
          composeService = "h2"
          containerPort  = 8080
        }
      },
      {
        path = "targetGroups[secure].targets.docker"
        value = {
          composeService = "secure"
          containerPort  = 8443
        }
      },
    ]
  }
}
