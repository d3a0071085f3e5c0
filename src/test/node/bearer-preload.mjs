// Loaded with `node --import` before the MCP conformance suite, which sends no credentials of its own:
// every request to WARDEN_URL's origin gets `Authorization: Bearer $WARDEN_TOKEN`.
//
// The suite reaches the server two ways: through fetch (the SDK client) and through undici's request
// (the raw-HTTP scenarios, which set their own Host and Origin headers, so the origin is matched on
// the connection, not on the Host header). Both go through undici's global dispatcher, which Node's
// fetch shares, so one interceptor on it covers both.
import { Agent, setGlobalDispatcher } from 'undici';

const target = new URL(requiredEnv('WARDEN_URL')).origin;
const authorization = `Bearer ${requiredEnv('WARDEN_TOKEN')}`;

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`bearer-preload: ${name} is not set`);
  return value;
}

// undici passes headers as a plain object, a flat [name, value, ...] array, or an iterable of pairs.
function withAuthorization(headers) {
  if (headers == null) return { authorization };
  if (Array.isArray(headers)) {
    const flat = headers.length > 0 && Array.isArray(headers[0]) ? headers.flat() : headers;
    for (let i = 0; i < flat.length; i += 2) {
      if (String(flat[i]).toLowerCase() === 'authorization') return headers;
    }
    return [...flat, 'authorization', authorization];
  }
  if (typeof headers[Symbol.iterator] === 'function') return withAuthorization([...headers]);
  if (Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) return headers;
  return { ...headers, authorization };
}

setGlobalDispatcher(new Agent().compose((dispatch) => (options, handler) => {
  const origin = options.origin instanceof URL ? options.origin.origin : new URL(String(options.origin)).origin;
  if (origin !== target) return dispatch(options, handler);
  return dispatch({ ...options, headers: withAuthorization(options.headers) }, handler);
}));
