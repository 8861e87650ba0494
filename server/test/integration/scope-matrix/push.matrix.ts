import { createECDH, randomBytes } from 'node:crypto';
import { anyone, type MatrixEntry } from './matrix.js';

/** A subscription as a browser on a real push service would hand it over. */
function browserSubscription(id: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/${id}`,
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
}

// Devices are the viewer's own: every account registers and removes only its own (removing
// another's endpoint answers false and changes nothing; push.test.ts checks that).
export const entries: MatrixEntry[] = [
  { operation: 'Query.pushPublicKey', document: `{ pushPublicKey }`, expect: anyone },
  {
    operation: 'Mutation.registerPushSubscription',
    document: `mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { id } }`,
    variables: (fx) => ({ input: browserSubscription(fx.unique('device')) }),
    expect: anyone,
  },
  {
    operation: 'Mutation.unregisterPushSubscription',
    document: `mutation($endpoint: String!) { unregisterPushSubscription(endpoint: $endpoint) }`,
    variables: (fx) => ({ endpoint: browserSubscription(fx.unique('device')).endpoint }),
    expect: anyone,
  },
];
