"""Liveness and readiness, for a load balancer or an orchestrator."""
