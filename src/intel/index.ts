export { Keyring, keyedHash, normaliseIdentifier, type ConsortiumKey } from "./keys.js";
export { signObject, verifyObject, generateSigningKeys, privateKeyFromPem, publicKeyFromPem, type Signer, type StixObject, type Verification } from "./signing.js";
export { exportClusters, type ExportOptions, type ProviderIdentity } from "./export.js";
export { receiveObjects, stixProblem, type ReceiveOptions, type ReceiveResult } from "./receive.js";
export { Watchlist, type WatchlistOptions } from "./watchlist.js";
export { taxiiApp, collectionSource, TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE, type TaxiiCollection, type TaxiiMember, type TaxiiServerOptions } from "./taxii-server.js";
export { pullFromPeer, pushToPeer, publish, makeOpinion, makeSighting, TaxiiClientError, type Peer, type OpinionValue } from "./taxii-client.js";
export { sharedDefinitions, parsePattern, patternOf, tlpMarking, tlpOf, TLP_LEVELS, type TlpLevel, type IndicatorValue } from "./stix.js";
