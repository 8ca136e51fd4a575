// Every stable error code, what it means and the HTTP status a server would answer with.

/** The catalogue: code → description and HTTP status. A test checks every thrown code is listed here. */
export const ERROR_CATALOGUE = {
  shape_mismatch: { status: 400, description: 'Tensor shapes are incompatible for the operation.' },
  dtype_mismatch: { status: 400, description: 'A tensor has the wrong element type for the operation.' },
  unknown_op: { status: 400, description: 'The graph contains an operation the engine does not know.' },
  invalid_graph: {
    status: 400,
    description: 'The graph is malformed (unknown value, missing output, bad attribute).',
  },
  missing_feed: { status: 400, description: 'A graph input was not given a value when running the graph.' },
  invalid_feed: {
    status: 400,
    description: 'A value given for a graph input has the wrong shape, type or data length.',
  },
  not_differentiable: {
    status: 400,
    description: 'A gradient was requested through an operation that has none.',
  },
  runtime_failure: { status: 500, description: 'ONNX Runtime failed to create a session or run a graph.' },
  token_out_of_range: { status: 400, description: 'A token id is outside the model vocabulary.' },
  invalid_tokenizer: {
    status: 400,
    description: 'A tokenizer or chat template file is missing or malformed.',
  },
  invalid_model_config: { status: 400, description: 'A model configuration is invalid.' },
  sequence_too_long: { status: 400, description: 'A sequence is longer than the model context.' },
  invalid_safetensors: { status: 400, description: 'A safetensors file is corrupt, truncated or malformed.' },
  checkpoint_mismatch: {
    status: 409,
    description: 'A checkpoint was written for a different model configuration.',
  },
  checkpoint_not_found: { status: 404, description: 'No checkpoint exists at the given path.' },
  file_write_failed: {
    status: 500,
    description: 'A file could not be written; the previous file, if any, is intact.',
  },
  invalid_config: { status: 400, description: 'A configuration value, file or flag is invalid.' },
  invalid_argument: { status: 400, description: 'A function was called with an invalid argument.' },
  unknown_loss: { status: 400, description: 'The requested loss function is not known to the backend.' },
  unknown_tool: {
    status: 400,
    description: 'A tool call or replayed action names a tool the environment does not have.',
  },
  reward_failed: { status: 500, description: 'A reward function threw while scoring a trajectory.' },
  reward_invalid_score: { status: 500, description: 'A reward function returned a non-finite score.' },
  judge_malformed_output: { status: 502, description: 'The judge output is not the scores JSON asked for.' },
  judge_request_failed: { status: 502, description: 'The judge API refused the request or kept failing.' },
  judge_timeout: { status: 504, description: 'The LLM judge API did not answer in time, after retries.' },
  judge_cache_corrupt: { status: 500, description: 'A file in the LLM judge cache is not a valid entry.' },
  unknown_scenario: { status: 404, description: 'The environment has no scenario or split with this id.' },
  tool_failed: { status: 500, description: 'A tool threw and the environment is set to fail loudly.' },
  user_simulator_failed: {
    status: 502,
    description: 'The simulated user could not reply (endpoint error or timeout).',
  },
  agent_failed: { status: 500, description: 'The agent threw during an episode and the runner rethrows.' },
  episode_aborted: { status: 503, description: 'An episode was cancelled through its AbortSignal.' },
  environment_data_invalid: {
    status: 400,
    description: 'Environment data (tasks, database) is missing or malformed.',
  },
  template_not_incremental: {
    status: 400,
    description: 'A chat template renders earlier messages differently as turns are added.',
  },
  invalid_trajectory: {
    status: 400,
    description: 'A trajectory, or a line of a trajectory file, is malformed.',
  },
  policy_timeout: { status: 504, description: 'The policy endpoint did not answer in time, after retries.' },
  policy_rate_limited: {
    status: 429,
    description: 'The policy endpoint kept answering 429 Too Many Requests.',
  },
  policy_unavailable: {
    status: 503,
    description: 'The policy endpoint kept failing (5xx or connection errors).',
  },
  policy_request_rejected: {
    status: 502,
    description: 'The policy endpoint refused the request (a 4xx other than 408 and 429).',
  },
  policy_bad_response: {
    status: 502,
    description: 'The policy endpoint answered with a malformed chat completion.',
  },
  request_aborted: { status: 499, description: 'The request was cancelled through its AbortSignal.' },
  script_exhausted: {
    status: 500,
    description: 'A scripted agent was asked for more turns than its script has.',
  },
  run_not_found: { status: 404, description: 'No run directory exists at the given path.' },
  run_metrics_missing: { status: 404, description: 'A run directory has no metrics.jsonl to report on.' },
  invalid_metrics: {
    status: 400,
    description: 'A metrics.jsonl line or evaluation summary file holds no usable metrics record.',
  },
  conversation_busy: {
    status: 409,
    description: 'The conversation is taking another turn; send the message again when it finishes.',
  },
  conversation_finished: {
    status: 409,
    description: 'The conversation has finished (terminal tool, turn limit or DELETE) and takes no messages.',
  },
  conversation_turn_timeout: {
    status: 504,
    description: 'A conversation turn (model calls and tool calls) ran past its time limit and was dropped.',
  },
  training_job_not_found: { status: 404, description: 'No training job with this id exists on this server.' },
  training_job_limit: {
    status: 429,
    description: 'Too many training jobs are running or queued; retry when one finishes.',
  },
  store_unavailable: {
    status: 503,
    description: 'The conversation or trajectory store cannot be reached, or a command to it failed.',
  },
  conversation_not_found: {
    status: 404,
    description: 'No conversation with this id exists (or it expired).',
  },
  conversation_exists: { status: 409, description: 'A conversation with this id already exists.' },
  conversation_conflict: {
    status: 409,
    description: 'An update kept losing to concurrent updates of the same conversation and gave up.',
  },
  trajectory_store_corrupt: {
    status: 500,
    description:
      'A line of the trajectory store is malformed or torn (a crash mid-write); the message names it.',
  },
  request_invalid: {
    status: 400,
    description: 'The request body or a parameter is malformed or breaks a limit.',
  },
  unauthorized: { status: 401, description: 'No API key, or an unknown one, was presented.' },
  forbidden: { status: 403, description: 'The API key lacks the scope this route needs.' },
  not_found: { status: 404, description: 'No route matches this path.' },
  model_not_found: { status: 404, description: 'The server does not serve the requested model.' },
  method_not_allowed: { status: 405, description: 'The path exists but not with this HTTP method.' },
  payload_too_large: { status: 413, description: 'The request body is larger than the configured limit.' },
  unsupported_media_type: { status: 415, description: 'The request body is not JSON.' },
  rate_limited: {
    status: 429,
    description: 'The API key sent more requests than its rate limit; see Retry-After.',
  },
  internal_error: {
    status: 500,
    description: 'The server failed unexpectedly; the request id finds it in the logs.',
  },
  model_unavailable: {
    status: 503,
    description: 'No model is loaded or reachable, so chat cannot be served.',
  },
  overloaded: {
    status: 503,
    description: 'The model backend has as many calls in flight (and queued) as allowed; see Retry-After.',
  },
  circuit_open: {
    status: 503,
    description: 'The model backend kept failing, so its circuit breaker refuses calls for a while.',
  },
  server_shutting_down: {
    status: 503,
    description: 'The server is shutting down and takes no new requests.',
  },
  not_ready: {
    status: 503,
    description: 'A readiness check failed; the response names each check and why.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;
