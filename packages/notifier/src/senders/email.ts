import { createTransport } from 'nodemailer';
import type { ChannelConfig } from '../channel-config.js';
import { checkHost } from '../host-check.js';
import type { Notice } from '../notice.js';
import { type AttemptOutcome, failed, messageOf, type SendContext } from './send-context.js';

type EmailConfig = Extract<ChannelConfig, { kind: 'email' }>;

/** What nodemailer's errors carry. */
interface SmtpError {
  code?: string;
  response?: string;
  responseCode?: number;
  rejected?: string[];
}

/** The plain-text mail of a notice. */
export function emailText(notice: Notice): string {
  const facts = notice.facts.map(([label, value]) => `${label}: ${value}`);
  return [notice.text, '', ...facts, ...(notice.link ? ['', notice.link] : []), ''].join('\n');
}

/**
 * Sends a notice by SMTP: `starttls` requires the upgrade (a server without STARTTLS fails),
 * `tls` is implicit TLS, `none` sends in clear. Certificates are verified (against `smtp.ca` when
 * given). Errors name the part at fault: "smtp.auth: 535 …", "smtp.host: …", "to[1]: 550 …".
 */
export async function sendEmail(
  config: EmailConfig,
  notice: Notice,
  context: SendContext,
): Promise<AttemptOutcome> {
  const { smtp } = config;
  try {
    await checkHost(context.guard, smtp.host, 'smtp.host');
  } catch (error) {
    return failed(messageOf(error), true);
  }
  const security = smtp.security ?? 'starttls';
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port ?? (security === 'tls' ? 465 : 587),
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    tls: { ...(smtp.ca ? { ca: smtp.ca } : {}), minVersion: 'TLSv1.2' },
    connectionTimeout: context.timeoutMs,
    greetingTimeout: context.timeoutMs,
    socketTimeout: context.timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: config.from,
      to: config.to,
      subject: notice.title,
      text: emailText(notice),
      headers: { 'X-Pgmcp-Delivery': context.deliveryId },
    });
    // Delivered to the others; the refused recipients are kept as the error, named by position.
    const refused = config.to.findIndex((address) => info.rejected.includes(address));
    const why = info.rejectedErrors?.[0]?.response ?? 'refused by the server';
    const error = refused >= 0 ? `to[${refused}]: ${why}` : null;
    return { ok: true, response: info.response, error, permanent: false };
  } catch (error) {
    return smtpFailure(error as SmtpError & Error, config);
  } finally {
    transport.close();
  }
}

function smtpFailure(error: SmtpError & Error, config: EmailConfig): AttemptOutcome {
  const answer = error.response ?? messageOf(error);
  const permanent =
    error.responseCode !== undefined && error.responseCode >= 500 && error.responseCode !== 503;
  const response = error.response ?? null;
  // Certificate failures surface as socket or TLS errors: name the setting that fixes them.
  if (/certificate|self[- ]signed|CERT_|altnames/i.test(answer))
    return failed(`smtp.ca: ${answer} (trust the server's certificate with smtp.ca)`, false, response);
  switch (error.code) {
    case 'EAUTH':
      return failed(`smtp.auth: ${answer}`, permanent, response);
    case 'ENOAUTH':
      return failed(`smtp.user: the server requires a login (${answer})`, true, response);
    case 'ETLS':
    case 'EREQUIRETLS':
      return failed(
        `smtp.security: STARTTLS failed (${answer}); pgmcp does not fall back to clear text`,
        false,
        response,
      );
    case 'EENVELOPE': {
      const index = config.to.findIndex((address) => error.rejected?.includes(address));
      return failed(`${index >= 0 ? `to[${index}]` : 'from'}: ${answer}`, permanent, response);
    }
    case 'ECONNECTION':
    case 'ETIMEDOUT':
    case 'ESOCKET':
    case 'EDNS':
      return failed(`smtp.host: ${answer}`, false, response);
    default:
      return failed(`smtp: ${answer}`, permanent, response);
  }
}
