import { WebSocket } from 'undici';

export interface Inspector {
  /** A full garbage collection in the inspected process: what the heap holds after it is live. */
  collectGarbage(): Promise<void>;
  /** The value of `expression`, evaluated in the inspected process (JSON-serializable values only). */
  evaluate<T>(expression: string): Promise<T>;
  close(): void;
}

/**
 * The DevTools protocol of a process started with `--inspect=127.0.0.1:0`, found
 * through the "Debugger listening on ws://…" line it wrote (`output`).
 */
export async function connectInspector(output: string[]): Promise<Inspector> {
  const url = output.map((line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1]).find((found) => found !== undefined);
  if (url === undefined) throw new Error(`the process announced no inspector:\n${output.join('\n')}`);
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`could not connect to ${url}`)), { once: true });
  });
  type Answer = { id?: number; result?: any; error?: { message: string } };
  const pending = new Map<number, (answer: Answer) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as Answer;
    const settle = message.id === undefined ? undefined : pending.get(message.id);
    if (settle === undefined) return; // an event, not an answer
    pending.delete(message.id!);
    settle(message);
  });
  let lastId = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = ++lastId;
      pending.set(id, (answer) => (answer.error ? reject(new Error(`${method}: ${answer.error.message}`)) : resolve(answer.result)));
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async collectGarbage() {
      await call('HeapProfiler.collectGarbage');
    },
    async evaluate<T>(expression: string) {
      const { result, exceptionDetails } = await call('Runtime.evaluate', { expression, returnByValue: true });
      if (exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(exceptionDetails)}`);
      return result.value as T;
    },
    close() {
      socket.close();
    },
  };
}
