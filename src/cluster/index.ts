export { LinkIndex, HARD_KINDS, CROWD_CAP, isClientToolSet, isFamily, isHardLink, takesTaint, EGRESS_WATCH_MS, identifierBits, MIN_HARD_ID_BITS, type LinkKey, type LinkKind } from "./links.js";
export { findCommunities, CommunityGraph, LINK_WEIGHT, type Community } from "./communities.js";
export { scoreCluster, groupHarnesses, isFleet, runsFleetWay, lockstepMembers, ownElicitingTemplates, HARNESS_FLEET_SHARE, type ClusterScore, type FamilyLookup, type GroupFacts, type OwnTemplates } from "./score.js";
export { OPEN_GROUP_MAX, ONE_CUSTOMER_MAX, ONE_ORG_MAX, type OwnerKind, type HoldersLookup, customerKeys, keysOfOneCustomer, ownAppPrompts, openTeams, teamsFamily, promptCrowd, PROMPT_CROWD_MIN_ACCOUNTS, type PromptCrowd } from "./crowd.js";
export { ActivityWindows, MIN_SYNC_GROUP, type SyncGroup } from "./timing.js";
