/**
 * `variables` and `extensions` sent as URL parameters (a GET's query string, or a form's body) must be JSON.
 * Yoga reads both kinds with the same parser and a bare `JSON.parse`, so a malformed one escaped as an
 * unexpected SyntaxError: 500 INTERNAL_SERVER_ERROR, logged as a gateway bug. This wraps that parser and
 * answers as yoga answers a POST body that is not JSON: 400 `BAD_REQUEST`, naming the parameter when the
 * query string shows which. JSON bodies (yoga's own checks) are left alone.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const jsonParams = ['variables', 'extensions'] as const;

export function useQueryStringParams(): Plugin {
  return {
    onRequestParse({ request, url, requestParser, setRequestParser }) {
      if (!requestParser || !readsUrlParams(request)) return;
      const parse = requestParser;
      setRequestParser(async (given) => {
        try {
          return await parse(given);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          // A form's body is read by now; a query string still says which parameter it was.
          const name = jsonParams.find((param) => !isJsonOrAbsent(url.searchParams.get(param)));
          const which = name ? `The "${name}" parameter is` : 'The "variables" or "extensions" parameter is';
          throw createGraphQLError(`${which} not valid JSON.`, {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
      });
    },
  };
}

/** A GET, or a form POST: the requests yoga reads `variables` and `extensions` from as URL parameters. */
function readsUrlParams(request: Request): boolean {
  if (request.method === 'GET') return true;
  return request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded') === true;
}

function isJsonOrAbsent(text: string | null): boolean {
  if (!text) return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
