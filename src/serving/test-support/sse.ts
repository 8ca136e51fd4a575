// Reads a server-sent events body into its `data:` payloads (JSON parsed; `[DONE]` kept as text).

/** The payloads of every `data:` event in `body`, in order. */
export function sseData(body: string): unknown[] {
  return body
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as unknown)));
}
