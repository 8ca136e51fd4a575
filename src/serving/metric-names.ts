// The Prometheus metric names the server exports, in one place (dashboards and alerts refer to them).

/** Every metric `GET /metrics` exports, with its labels in the comment. */
export const METRIC = {
  /** counter {method, route, status} */
  httpRequests: 'stateset_http_requests_total',
  /** histogram seconds {method, route, status} */
  httpDuration: 'stateset_http_request_duration_seconds',
  /** gauge: conversations with status active */
  activeConversations: 'stateset_active_conversations',
  /** counter {model} */
  tokensGenerated: 'stateset_tokens_generated_total',
  /** histogram seconds {model, outcome}: one backend call, retries included */
  modelLatency: 'stateset_model_latency_seconds',
  /** gauge {backend}: 0 closed, 1 half-open, 2 open */
  breakerState: 'stateset_circuit_breaker_state',
  /** counter {backend} */
  backendRetries: 'stateset_backend_retries_total',
  /** counter {backend}: replies served by the fallback */
  fallbackReplies: 'stateset_fallback_replies_total',
  /** counter {reason}: `rate_limit` (per key) or `concurrency` (backend saturated) */
  rejections: 'stateset_rejected_requests_total',
  /** counter {key}: rate-limit rejections per key id */
  rateLimitRejections: 'stateset_rate_limit_rejections_total',
  /** gauge {state}: training jobs by state */
  trainingJobs: 'stateset_training_jobs',
  /** gauge {job_id}: the latest `reward/mean` of each running job */
  trainingReward: 'stateset_training_reward_mean',
  /** gauge {job_id}: the latest `loss/policy` of each running job */
  trainingLoss: 'stateset_training_loss_policy',
  /** gauge {job_id}: the latest step of each job */
  trainingStep: 'stateset_training_step',
  /** counter: conversations captured to the trajectory store */
  capturedConversations: 'stateset_captured_conversations_total',
} as const;
