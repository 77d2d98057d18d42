/**
 * @defer and @stream, through yoga's plugin, with graphql's own OverlappingFieldsCanBeMergedRule replaced by
 * the plugin's stream-aware one as the plugin intends. The plugin drops the rule by assigning a filtered
 * array to `params.rules`, but envelop validates with the array it handed out, so both rules ran and a
 * document with two conflicting fields got every conflict reported twice. Taking graphql's rule out of that
 * array in place, after the plugin has added its own, leaves one report per conflict.
 */
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { OverlappingFieldsCanBeMergedRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useDeferAndStream(): Plugin[] {
  return [
    useDeferStream(),
    {
      onValidate({ params: { rules } }) {
        const at = rules?.indexOf(OverlappingFieldsCanBeMergedRule) ?? -1;
        if (at !== -1) rules?.splice(at, 1);
      },
    },
  ];
}
