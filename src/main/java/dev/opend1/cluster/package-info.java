/**
 * The cluster's foundation: which nodes exist ({@link dev.opend1.cluster.Nodes}), which node owns
 * each database ({@link dev.opend1.cluster.Leases}, a lease with a fencing epoch), when an owner
 * must stop writing ({@link dev.opend1.cluster.LeaseClock}) and where a new database goes ({@link
 * dev.opend1.cluster.Placement}). PostgreSQL decides everything here, each decision in one
 * statement on its own clock ({@code now()}), so no two nodes can both be granted one database; the
 * nodes' clocks only measure how long they may keep believing a grant (docs/cluster.md, "The lease
 * protocol"). A member serves the databases whose lease it holds ({@link
 * dev.opend1.cluster.OwnedDatabases}), taking over a dead owner's from the bucket ({@link
 * dev.opend1.cluster.BucketCopies}), and forwards the others' requests to their owner ({@link
 * dev.opend1.cluster.Routing}).
 */
package dev.opend1.cluster;
