/** One dispatched server-sent event: its `event:` name ("message" when absent) and its joined `data:` lines. */
export interface SseMessage {
  event: string;
  data: string;
}

/** An incremental parser of the text/event-stream format (WHATWG HTML §9.2.6). */
export interface SseParser {
  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseMessage[];
  /** The stream ended: an event without its closing blank line is dropped, as the spec says. */
  end(): void;
}

/** Creates an SSE parser: LF, CRLF and CR line ends (also split across chunks), comments, multi-line data. */
export function createSseParser(): SseParser {
  let buffer = '';
  let skipLeadingLf = false;
  let atStart = true;
  let event = '';
  let data: string[] = [];
  let hasData = false;

  function line(text: string, out: SseMessage[]): void {
    if (text === '') {
      if (hasData) out.push({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      hasData = false;
      return;
    }
    if (text.startsWith(':')) return; // comment / keep-alive
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') {
      data.push(value);
      hasData = true;
    }
    // `id` and `retry` matter only for EventSource reconnection, which a POST stream does not do.
  }

  return {
    push(text) {
      const out: SseMessage[] = [];
      buffer += text;
      if (atStart && buffer.length > 0) {
        if (buffer.startsWith('\uFEFF')) buffer = buffer.slice(1);
        atStart = false;
      }
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer[i];
        if (ch === '\n' && skipLeadingLf && i === start) {
          // The LF of a CRLF whose CR ended the previous piece.
          skipLeadingLf = false;
          start = i + 1;
          continue;
        }
        skipLeadingLf = false;
        if (ch === '\r' || ch === '\n') {
          line(buffer.slice(start, i), out);
          if (ch === '\r') {
            if (buffer[i + 1] === '\n') i++;
            else if (i + 1 === buffer.length) skipLeadingLf = true;
          }
          start = i + 1;
        }
      }
      buffer = buffer.slice(start);
      return out;
    },
    end() {
      buffer = '';
      event = '';
      data = [];
      hasData = false;
    },
  };
}
