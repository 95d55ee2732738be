-- Moving a database between nodes (opend1 cluster move, and drain). moving_to: the node an operator
-- asked to move the database to, which its owner sees at its next renewal and hands the lease to.
-- handed_from: set by that hand-over to the node that wrote the database last, until the node it
-- was handed to takes it (and rebuilds its copy from the bucket); a node's copy is current only if
-- it is that last writer.
ALTER TABLE database_leases ADD COLUMN moving_to text COLLATE "C" REFERENCES nodes(id);
ALTER TABLE database_leases ADD COLUMN handed_from text COLLATE "C";
