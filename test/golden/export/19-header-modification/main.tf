# Exported by Berth (berth export --format terraform). Set the variables below, then `terraform apply`.
# local.berth_metadata keeps what AWS cannot hold (Docker selectors, local certificates, …) for `berth import`.

# WARNINGS (2): these parts of berth.yaml do not carry over to AWS as they are.
#   - [certificate-parameter] loadBalancers[shop].listeners[443].certificates: served locally from Berth's local CA (auto); on AWS supply ACM certificate ARNs in variable shop_https_443_certificate_arn
#   - [docker-targets] targetGroups[web].targets.docker: filled from Docker (composeService web, containerPort 8080); on AWS, ECS registers the tasks instead — see the ECS snippet

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

variable "shop_subnets" {
  description = "Subnets for load balancer shop (an application load balancer needs subnets in at least two Availability Zones)"
  type        = list(string)
}

variable "shop_security_groups" {
  description = "Security groups for load balancer shop"
  type        = list(string)
}

variable "shop_https_443_certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener on port 443 of shop (default certificate)"
  type        = string
}

resource "aws_lb" "shop" {
  name                                        = "shop"
  load_balancer_type                          = "application"
  internal                                    = false
  subnets                                     = var.shop_subnets
  security_groups                             = var.shop_security_groups
  idle_timeout                                = 60
  preserve_host_header                        = false
  xff_header_processing_mode                  = "append"
  enable_tls_version_and_cipher_suite_headers = true
}

resource "aws_lb_listener" "shop_https_443" {
  load_balancer_arn                                                     = aws_lb.shop.arn
  port                                                                  = 443
  protocol                                                              = "HTTPS"
  ssl_policy                                                            = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn                                                       = var.shop_https_443_certificate_arn
  routing_http_response_server_enabled                                  = false
  routing_http_response_strict_transport_security_header_value          = "max-age=31536000; includeSubDomains; preload"
  routing_http_response_access_control_allow_origin_header_value        = "https://shop.example.com"
  routing_http_response_access_control_allow_methods_header_value       = "GET, POST, OPTIONS"
  routing_http_response_access_control_allow_headers_header_value       = "Content-Type, Authorization"
  routing_http_response_access_control_allow_credentials_header_value   = "true"
  routing_http_response_access_control_expose_headers_header_value      = "X-Request-Id"
  routing_http_response_access_control_max_age_header_value             = "600"
  routing_http_response_content_security_policy_header_value            = "default-src 'self'"
  routing_http_response_x_content_type_options_header_value             = "nosniff"
  routing_http_response_x_frame_options_header_value                    = "SAMEORIGIN"
  routing_http_request_x_amzn_tls_version_header_name                   = "X-Tls-Version"
  routing_http_request_x_amzn_tls_cipher_suite_header_name              = "X-Tls-Cipher"
  routing_http_request_x_amzn_mtls_clientcert_header_name               = "X-Client-Cert"
  routing_http_request_x_amzn_mtls_clientcert_serial_number_header_name = "X-Client-Cert-Serial"
  routing_http_request_x_amzn_mtls_clientcert_issuer_header_name        = "X-Client-Cert-Issuer"
  routing_http_request_x_amzn_mtls_clientcert_subject_header_name       = "X-Client-Cert-Subject"
  routing_http_request_x_amzn_mtls_clientcert_validity_header_name      = "X-Client-Cert-Validity"
  routing_http_request_x_amzn_mtls_clientcert_leaf_header_name          = "X-Client-Cert-Leaf"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "shop_http_80" {
  load_balancer_arn                                  = aws_lb.shop.arn
  port                                               = 80
  protocol                                           = "HTTP"
  routing_http_response_x_frame_options_header_value = "DENY"

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

resource "aws_lb_target_group" "web" {
  name                          = "web"
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

output "shop_dns_name" {
  description = "DNS name of load balancer shop"
  value       = aws_lb.shop.dns_name
}

output "web_target_group_arn" {
  description = "ARN of target group web"
  value       = aws_lb_target_group.web.arn
}

# Berth's local-only settings, read back by `berth import`; Terraform ignores an unused local.
locals {
  berth_metadata = {
    version = 1
    local = [
      {
        path = "targetGroups[web].targets.docker"
        value = {
          composeService = "web"
          containerPort  = 8080
        }
      },
    ]
  }
}
