import { Counter, Gauge, Histogram, Registry } from "prom-client";

const OVERHEAD_BUCKETS = [0.00005, 0.0001, 0.00015, 0.0002, 0.00025, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.1, 1];
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Everything `/metrics` exposes; one registry per server so tests and replicas do not mix. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({ name: "hydrasentry_decisions_total", help: "Decisions by outcome", labelNames: ["decision", "enforced"], registers: [this.registry] });
  readonly actions = new Counter({ name: "hydrasentry_actions_total", help: "Actions applied, by action", labelNames: ["action"], registers: [this.registry] });
  readonly decisionSeconds = new Histogram({ name: "hydrasentry_decision_seconds", help: "Time to decide one request", buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly upstreamSeconds = new Histogram({
    name: "hydrasentry_upstream_seconds",
    help: "Upstream time to response headers",
    labelNames: ["api"],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  /**
   * What the gateway adds before the upstream call (body read, decision, forwarding): the
   * end-to-end difference through a proxy also contains a second network hop and, on a small
   * machine, the scheduler's view of three busy processes. A histogram, not a summary: it adds up
   * across replicas, and a summary's sliding quantile sketch showed as ~5% of the proxy's CPU in a profile. The
   * buckets are fine below 2 ms, where the latency budget is.
   */
  readonly overheadSeconds = new Histogram({
    name: "hydrasentry_gateway_overhead_seconds",
    help: "Time from request arrival to the upstream call",
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  readonly busSanctions = new Counter({ name: "hydrasentry_bus_sanctions_total", help: "Sanctions applied from the sanction bus", labelNames: ["action", "active"], registers: [this.registry] });
  readonly busErrors = new Counter({ name: "hydrasentry_bus_errors_total", help: "Sanctions that could not be published to the bus", registers: [this.registry] });
  readonly upstreamErrors = new Counter({ name: "hydrasentry_upstream_errors_total", help: "Upstream failures", labelNames: ["kind"], registers: [this.registry] });
  readonly badRequests = new Counter({ name: "hydrasentry_bad_requests_total", help: "Requests refused as malformed, by code", labelNames: ["code"], registers: [this.registry] });
  readonly stateErrors = new Counter({ name: "hydrasentry_state_errors_total", help: "State backend failures", registers: [this.registry] });
  readonly auditErrors = new Counter({ name: "hydrasentry_audit_errors_total", help: "Audit writes that failed (each is tried again)", registers: [this.registry] });
  readonly auditDropped = new Counter({
    name: "hydrasentry_audit_dropped_total",
    help: "Audit entries given up on: the store refused them past the queue's bound, or through shutdown",
    registers: [this.registry],
  });
  readonly auditQueue = new Gauge({ name: "hydrasentry_audit_queue_depth", help: "Audit writes waiting", registers: [this.registry] });
  readonly storeQueue = new Gauge({ name: "hydrasentry_store_writes_queued", help: "Store writes handed to its writer and not yet committed", registers: [this.registry] });
  readonly storeWalBehind = new Gauge({
    name: "hydrasentry_store_wal_frames_behind",
    help: "SQLite WAL frames not yet checkpointed into the database file (absent without a background checkpointer)",
    registers: [this.registry],
  });
  readonly captureLines = new Gauge({
    name: "hydrasentry_capture_lines",
    help: "Exchanges the capture wrote, dropped (disk behind or body over the cap) or failed to write, since start",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly heldConversations = new Gauge({
    name: "hydrasentry_held_conversations",
    help: "Conversations the provider holds (Responses API): what asks in them handed on to requests that continue them, and requests read with it, since start",
    labelNames: ["event"],
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({ name: "hydrasentry_requests_in_flight", help: "Proxied requests in flight", registers: [this.registry] });
  readonly policyVersion = new Gauge({ name: "hydrasentry_policy_info", help: "Policy in force (value 1)", labelNames: ["version", "mode"], registers: [this.registry] });
}
