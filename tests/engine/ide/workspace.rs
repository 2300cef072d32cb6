//! Realistic workspace files shared by the tests (the Acme Checkout PRD, trimmed): the SoT
//! files that define the IDs a release plan links to. Append to a fixture that holds the plan.

/// The definitions a release plan links to, in their own files.
pub const SOT: &str = r#"
//- /SoT/SoT.TESTING.md
# SoT — Testing

Every test runs in the `checkout-api` CI pipeline against an ephemeral database.

### TEST-001 | Create order happy path
**Level**: API
**Covers**: API-001, UJ-001
**Check**: A cart with two items and a confirmed test PaymentIntent becomes an order.

### TEST-002 | Fetch order by id
**Level**: API
**Covers**: API-002
**Check**: The created order is returned with its items and payment status.

### TEST-003 | Replace cart contents
**Level**: API
**Covers**: API-004

## Inventory

| ID | Title | Level | Covers | Suites |
|----|-------|-------|--------|--------|
| TEST-004 | Order rejected when the cart changed | API | API-001, API-004 | regression |
| TEST-005 | One-page checkout renders on one page | UI | FEA-001, UJ-001 | smoke |
| TEST-006 | Guest checkout without an account | UI | FEA-001, UJ-001 | smoke |
| TEST-007 | Shipping address validation | UI | FEA-001 | regression |
| TEST-008 | Order totals include tax and shipping | API | API-001 | smoke |
| TEST-009 | Apple Pay express button completes an order | UI | FEA-005 | regression |
| TEST-010 | Google Pay express button completes an order | UI | FEA-005 | regression |
//- /SoT/SoT.API_CONTRACTS.md
# SoT — API Contracts

## API-001: POST /v2/orders

**Summary**: Create an order from a cart and a confirmed payment intent
**Status**: Active
**Epic**: EPIC-01

## API-002: GET /v2/orders/{order_id}

**Summary**: Fetch one order with its items, payment status and fulfilment status
**Status**: Active
**Epic**: EPIC-01

## API-003: POST /v1/orders [DEPRECATED]

**Summary**: The v1 order endpoint, kept for the mobile apps until v2.1
**Status**: Deprecated
**Replacement**: API-001

## API-004: PUT /v2/carts/{cart_id}

**Summary**: Replace the contents of a cart in one request
**Status**: Active
**Epic**: EPIC-01
//- /epics/EPIC-01-checkout-redesign.md
# EPIC-01 Checkout Redesign

**Status**: Complete
**Owner**: Dev Patel (Checkout API lead)

Replace the three-step checkout with a one-page checkout on web and mobile web.
//- /SoT/SoT.MONITORING.md
# SoT — Monitoring

## MON-001: checkout-api 5xx error rate

**Metric**: share of checkout-api responses with a 5xx status, 1-minute rate
**Thresholds**: Warning: 5xx rate > 1% for 5 minutes | Critical: 5xx rate > 2% for 5 minutes
**Runbook**: RUN-001

## MON-002: Order creation latency

**Metric**: p95 and p99 latency of API-001, measured at the ALB
**Thresholds**: Warning: p95 > 400ms for 5 minutes | Critical: p95 > 800ms for 5 minutes
**Runbook**: RUN-001
//- /SoT/SoT.RUNBOOKS.md
# SoT — Runbooks

## RUN-001: Blue-green rollback of checkout-api

**Owner**: Jon Park (SRE)
**Steps**: shift the ALB listener back to the blue target group.
"#;
