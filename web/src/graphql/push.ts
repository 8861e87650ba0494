// Web Push: the key to subscribe with, and this device's subscription. Types from `npm run codegen`.
import { graphql } from './generated';

export const PUSH_PUBLIC_KEY = graphql(`
  query PushPublicKey {
    pushPublicKey
  }
`);

export const REGISTER_PUSH = graphql(`
  mutation RegisterPushSubscription($input: PushSubscriptionInput!) {
    registerPushSubscription(input: $input) {
      id
      readKey
    }
  }
`);

export const UNREGISTER_PUSH = graphql(`
  mutation UnregisterPushSubscription($endpoint: String!) {
    unregisterPushSubscription(endpoint: $endpoint)
  }
`);
