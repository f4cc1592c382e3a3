# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (12): these parts of berth.yaml do not carry over to AWS as they are.
#   - [rule-not-exported] loadBalancers[local].listeners[8080].rules[1]: disabled locally; not exported
#   - [listener-not-exported] loadBalancers[local].listeners[9090]: HTTP listener not exported: disabled locally
#   - [listener-not-exported] loadBalancers[dual].listeners[5353]: TCP listener not exported: port 5353 is taken by the UDP listener; AWS allows one listener per port (TCP_UDP serves both on one port)
#   - [bind-address] loadBalancers[local].listeners[8080].address: binds 0.0.0.0 locally; on AWS the load balancer's scheme decides who can reach it
#   - [name-not-exported] loadBalancers[local].listeners[8080].name: the name "public" has no AWS equivalent; kept in the Berth metadata only
#   - [name-not-exported] loadBalancers[local].listeners[8080].rules[2].name: the name "docs" has no AWS equivalent; kept in the Berth metadata only
#   - [health-check-always-on] targetGroups[host-app].healthCheck.enabled: health checks are off locally, but AWS always checks instance and ip targets; exported enabled
#   - [static-targets] targetGroups[host-app].targets.static: static targets 127.0.0.1:3000, [::1]:3001 are addresses on this machine and are not exported; register your instances or IP addresses yourself
#   - [derived-port] targetGroups[host-app].port: no port set; exported port 3000 because AWS requires one (each registered target still brings its own port)
#   - [static-targets] targetGroups[docs].targets.static: static targets localhost:4000 are addresses on this machine and are not exported; register your instances or IP addresses yourself
#   - [docker-targets] targetGroups[mdns-udp].targets.docker: filled from Docker (composeService mdns, containerPort 5353, protocol udp); on AWS, ECS registers the tasks instead — see the ECS snippet
#   - [docker-targets] targetGroups[mdns-tcp].targets.docker: filled from Docker (composeService mdns, containerPort 5353); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "local_subnets" {
  description = "Subnets for load balancer local (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "local_security_groups" {
  description = "Security groups for load balancer local"
  type        = list(string)
}

variable "dual_subnets" {
  description = "Subnets for load balancer dual"
  type        = list(string)
}

resource "aws_lb" "local" {
  name                       = "local"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.local_subnets
  security_groups            = var.local_security_groups
  idle_timeout               = 60
  preserve_host_header       = false
  xff_header_processing_mode = "append"
}

resource "aws_lb_listener" "local_http_8080" {
  load_balancer_arn = aws_lb.local.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.host_app.arn
  }
}

resource "aws_lb_listener_rule" "local_http_8080_rule_2" {
  listener_arn = aws_lb_listener.local_http_8080.arn
  priority     = 2

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.docs.arn
  }

  condition {
    path_pattern {
      values = ["/docs/*"]
    }
  }
}

resource "aws_lb" "dual" {
  name               = "dual"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.dual_subnets
}

resource "aws_lb_listener" "dual_udp_5353" {
  load_balancer_arn = aws_lb.dual.arn
  port              = 5353
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.mdns_udp.arn
  }
}

resource "aws_lb_target_group" "host_app" {
  name                          = "host-app"
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

resource "aws_lb_target_group" "docs" {
  name                          = "docs"
  port                          = 4000
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

resource "aws_lb_target_group" "mdns_udp" {
  name                 = "mdns-udp"
  port                 = 5353
  protocol             = "UDP"
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

resource "aws_lb_target_group" "mdns_tcp" {
  name                 = "mdns-tcp"
  port                 = 5353
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

output "local_dns_name" {
  description = "DNS name of load balancer local"
  value       = aws_lb.local.dns_name
}

output "dual_dns_name" {
  description = "DNS name of load balancer dual"
  value       = aws_lb.dual.dns_name
}

output "host_app_target_group_arn" {
  description = "ARN of target group host-app"
  value       = aws_lb_target_group.host_app.arn
}

output "docs_target_group_arn" {
  description = "ARN of target group docs"
  value       = aws_lb_target_group.docs.arn
}

output "mdns_udp_target_group_arn" {
  description = "ARN of target group mdns-udp"
  value       = aws_lb_target_group.mdns_udp.arn
}

output "mdns_tcp_target_group_arn" {
  description = "ARN of target group mdns-tcp"
  value       = aws_lb_target_group.mdns_tcp.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path  = "loadBalancers[local].listeners[8080].address"
        value = "0.0.0.0"
      },
      {
        path  = "loadBalancers[local].listeners[8080].name"
        value = "public"
      },
      {
        path  = "loadBalancers[local].listeners[8080].rules[2].name"
        value = "docs"
      },
      {
        path  = "targetGroups[host-app].healthCheck.enabled"
        value = false
      },
      {
        path  = "targetGroups[host-app].targets.static"
        value = ["127.0.0.1:3000", "[::1]:3001"]
      },
      {
        path  = "targetGroups[host-app].port"
        unset = true
      },
      {
        path  = "targetGroups[docs].targets.static"
        value = ["localhost:4000"]
      },
      {
        path = "targetGroups[mdns-udp].targets.docker"
        value = {
          composeService = "mdns"
          containerPort  = 5353
          protocol       = "udp"
        }
      },
      {
        path = "targetGroups[mdns-tcp].targets.docker"
        value = {
          composeService = "mdns"
          containerPort  = 5353
        }
      },
      {
        path     = "loadBalancers[local].listeners[8080].rules"
        insertAt = 0
        value = {
          priority = 1
          name     = "maintenance"
          enabled  = false
          conditions = {
            pathPattern = ["/*"]
          }
          action = {
            fixedResponse = {
              statusCode  = "503"
              contentType = "text/plain"
              messageBody = "down"
            }
          }
        }
      },
      {
        path     = "loadBalancers[local].listeners"
        insertAt = 1
        value = {
          port     = 9090
          protocol = "HTTP"
          address  = "127.0.0.1"
          enabled  = false
          defaultAction = {
            forward = {
              targetGroups = [
                {
                  name   = "docs"
                  weight = 1
                },
              ]
            }
          }
          rules = []
        }
      },
      {
        path     = "loadBalancers[dual].listeners"
        insertAt = 1
        value = {
          port     = 5353
          protocol = "TCP"
          address  = "127.0.0.1"
          enabled  = true
          defaultAction = {
            forward = {
              targetGroups = [
                {
                  name   = "mdns-tcp"
                  weight = 1
                },
              ]
            }
          }
          rules = []
        }
      },
    ]
  }
}
