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

/// Components smaller than this are never split.
pub const MIN_SPLIT_SIZE: usize = 20;
/// A community found inside a component must have at least this many accounts to
/// stand alone; smaller ones rejoin their best-connected neighbour.
pub const MIN_COMMUNITY: usize = 5;
/// Label propagation rounds.
const ROUNDS: usize = 30;

/// Splits each large component into its dense communities (weighted label propagation,
/// deterministic), so that two operations bridged by a few links (a proxy pool two
/// campaigns rent from, a generic phrase) come apart, while a chain-linked campaign
/// stays whole: communities under [`MIN_COMMUNITY`] accounts rejoin their neighbour.
pub fn refine(
    clusters: Vec<Cluster>,
    edges: &[Edge],
    weight: &dyn Fn(&Edge) -> f64,
) -> Vec<Cluster> {
    let mut out = Vec::with_capacity(clusters.len());
    for cluster in clusters {
        if cluster.members.len() < MIN_SPLIT_SIZE {
            out.push(cluster);
            continue;
        }
        out.extend(split(cluster, edges, weight));
    }
    out.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.members[0].cmp(&b.members[0]))
    });
    out
}

fn split(cluster: Cluster, edges: &[Edge], weight: &dyn Fn(&Edge) -> f64) -> Vec<Cluster> {
    let n = cluster.members.len();
    let pos: rustc_hash::FxHashMap<u32, usize> = cluster
        .members
        .iter()
        .enumerate()
        .map(|(i, &m)| (m, i))
        .collect();
    let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for &e in &cluster.edges {
        let edge = &edges[e];
        if let (Some(&a), Some(&b)) = (pos.get(&edge.a), pos.get(&edge.b)) {
            let w = weight(edge);
            adj[a].push((b, w));
            adj[b].push((a, w));
        }
    }
    let mut label: Vec<usize> = (0..n).collect();
    let mut scores: rustc_hash::FxHashMap<usize, f64> = rustc_hash::FxHashMap::default();
    for _ in 0..ROUNDS {
        let mut changed = false;
        for node in 0..n {
            scores.clear();
            for &(other, w) in &adj[node] {
                *scores.entry(label[other]).or_insert(0.0) += w;
            }
            let best = scores
                .iter()
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(&l, _)| l);
            if let Some(best) = best {
                if best != label[node]
                    && scores
                        .get(&label[node])
                        .is_none_or(|&own| scores[&best] > own)
                {
                    label[node] = best;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Small communities rejoin the community they are most connected to.
    let mut sizes: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
    for &l in &label {
        *sizes.entry(l).or_insert(0) += 1;
    }
    for _ in 0..4 {
        let mut moved = false;
        for node in 0..n {
            if sizes[&label[node]] >= MIN_COMMUNITY {
                continue;
            }
            scores.clear();
            for &(other, w) in &adj[node] {
                if sizes[&label[other]] >= MIN_COMMUNITY {
                    *scores.entry(label[other]).or_insert(0.0) += w;
                }
            }
            if let Some((&best, _)) = scores
                .iter()
                .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            {
                if let Some(s) = sizes.get_mut(&label[node]) {
                    *s -= 1;
                }
                label[node] = best;
                *sizes.entry(best).or_insert(0) += 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Cluster> = std::collections::BTreeMap::new();
    for (i, &m) in cluster.members.iter().enumerate() {
        groups
            .entry(label[i])
            .or_insert_with(|| Cluster {
                members: Vec::new(),
                edges: Vec::new(),
            })
            .members
            .push(m);
    }
    if groups.len() <= 1 {
        return vec![cluster];
    }
    for &e in &cluster.edges {
        let edge = &edges[e];
        if let (Some(&a), Some(&b)) = (pos.get(&edge.a), pos.get(&edge.b)) {
            if label[a] == label[b] {
                if let Some(g) = groups.get_mut(&label[a]) {
                    g.edges.push(e);
                }
            }
        }
    }
    groups
        .into_values()
        .filter(|g| g.members.len() >= 2)
        .collect()
}
