//! Clusters: groups of accounts joined by evidenced edges (connected components with
//! union-find), each with the edges inside it.

use crate::pair::Edge;

/// One group of accounts (indices into the population, sorted) and its edges.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub members: Vec<u32>,
    /// Indices into the graph's edge list.
    pub edges: Vec<usize>,
}

struct UnionFind {
    parent: Vec<u32>,
    rank: Vec<u8>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            rank: vec![0; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (ra_rank, rb_rank) = (self.rank[ra as usize], self.rank[rb as usize]);
        if ra_rank < rb_rank {
            self.parent[ra as usize] = rb;
        } else {
            self.parent[rb as usize] = ra;
            if ra_rank == rb_rank {
                self.rank[ra as usize] += 1;
            }
        }
    }
}

/// Connected components of at least `min_size` accounts, largest first (ties by first
/// member), each with its edges.
pub fn connected_clusters(accounts: usize, edges: &[Edge], min_size: usize) -> Vec<Cluster> {
    let mut uf = UnionFind::new(accounts);
    for e in edges {
        uf.union(e.a, e.b);
    }
    let mut groups: rustc_hash::FxHashMap<u32, Cluster> = rustc_hash::FxHashMap::default();
    for i in 0..accounts as u32 {
        let root = uf.find(i);
        groups
            .entry(root)
            .or_insert_with(|| Cluster {
                members: Vec::new(),
                edges: Vec::new(),
            })
            .members
            .push(i);
    }
    for (index, e) in edges.iter().enumerate() {
        let root = uf.find(e.a);
        if let Some(c) = groups.get_mut(&root) {
            c.edges.push(index);
        }
    }
    let mut clusters: Vec<Cluster> = groups
        .into_values()
        .filter(|c| c.members.len() >= min_size.max(2))
        .collect();
    clusters.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    clusters
}
