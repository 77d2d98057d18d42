/**
 * Yoga masks the errors of a result and of each streamed payload's top level, but not those inside
 * `incremental` (the parts `@defer` and `@stream` deliver later): a resolver's unexpected exception there
 * would reach the client with its original message. This applies the same masking (src/graph/errors.ts) to them.
 * It goes after the operation log in the plugin list, so the log still sees each error's cause and stack.
 */
import type { Plugin } from 'graphql-yoga';
import { toClientError } from '../../graph/errors.js';
import { isAsyncIterable } from './results.js';

interface Part {
  errors?: readonly unknown[];
}

export function useMaskedIncrementalErrors(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return undefined;
          return {
            onNext({ result: payload, setResult }) {
              const incremental: readonly Part[] | undefined =
                'incremental' in payload && Array.isArray(payload.incremental) ? payload.incremental : undefined;
              if (!incremental?.some((part) => part.errors?.length)) return;
              const masked = {
                ...payload,
                incremental: incremental.map((part) =>
                  part.errors
                    ? { ...part, errors: part.errors.map((e) => toClientError(e, 'Unexpected error.')) }
                    : part,
                ),
              };
              setResult(masked);
            },
          };
        },
      };
    },
  };
}
