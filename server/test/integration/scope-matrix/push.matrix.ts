import { createECDH, randomBytes } from 'node:crypto';
import { anyone, type Fixture, type MatrixEntry } from './matrix.js';

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

/** A notice key of the fixture's reporter, from a device registered by a sign-in of theirs. */
async function readKeyOfReporter(fx: Fixture): Promise<string> {
  const session = await fx.t.app.services.auth.startSession(fx.em(), fx.account);
  const res = await fx.t.gql<{ registerPushSubscription: { readKey: string } }>(
    `mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { readKey } }`,
    { input: browserSubscription(fx.unique('device')) },
    session.accessToken,
  );
  return res.data!.registerPushSubscription.readKey;
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
  // No sign-in: the notice key is the credential, and it reads only its own account's notices
  // (push.test.ts checks a wrong, replaced or signed-out key); whoever calls, the same answer.
  {
    operation: 'Query.pushNotices',
    document: `query($readKey: String!) { pushNotices(readKey: $readKey) { id kind } }`,
    variables: async (fx) => ({ readKey: await readKeyOfReporter(fx) }),
    expect: anyone,
    anonymous: 'ALLOW',
  },
];
