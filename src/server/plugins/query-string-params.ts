/**
 * A GET's `variables` and `extensions` must be JSON. Yoga parses them with a bare `JSON.parse`, so a malformed
 * one escaped as an unexpected SyntaxError: 500 INTERNAL_SERVER_ERROR, logged as a gateway bug. This refuses it
 * first, as yoga refuses a POST body that is not JSON: 400 `BAD_REQUEST`, naming the parameter.
 */
import { createGraphQLError, type Plugin } from 'graphql-yoga';

const jsonParams = ['variables', 'extensions'] as const;

export function useQueryStringParams(): Plugin {
  return {
    onRequestParse({ request, url }) {
      if (request.method !== 'GET') return;
      for (const name of jsonParams) {
        const value = url.searchParams.get(name);
        if (value && !isJson(value)) {
          throw createGraphQLError(`The "${name}" parameter is not valid JSON.`, {
            extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
          });
        }
      }
    },
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
