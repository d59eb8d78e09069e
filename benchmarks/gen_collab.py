# Copied unchanged (apart from this header) from /work/shared/bench/gen_collab.py, the generator the
# anchor figures in the design targets were measured on. Its output is synthetic: no real names.
# Writes a synthetic collaboration graph in Turtle: python gen_collab.py N OUT.ttl (N=200000 gives ~537k triples).
# The anchor figures in ../design/targets.md were measured on its output.
import random, sys
random.seed(1)
n = int(sys.argv[1])
P = "http://example.org/kx/"
out = open(sys.argv[2], "w")
w = out.write
w("@prefix kx: <http://example.org/kx/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
na = n//10; nw = n//12; ne = n//5; np_ = n//3
for i in range(na): w(f"kx:a{i} a kx:Academician ; rdfs:label \"院士{i}\"@zh .\n")
for i in range(ne): w(f"kx:e{i} a kx:Enterprise ; rdfs:label \"企业{i}\"@zh .\n")
for i in range(nw):
    w(f"kx:w{i} a kx:Workstation ; kx:hostedBy kx:e{random.randrange(ne)} ; rdfs:label \"工作站{i}\"@zh")
    for a in random.sample(range(na), 2): w(f" ; kx:hasMember kx:a{a}")
    w(" .\n")
for i in range(np_):
    w(f"kx:p{i} a kx:Project ; kx:workstation kx:w{random.randrange(nw)} ; kx:participant kx:a{random.randrange(na)} , kx:a{random.randrange(na)} ; kx:year {2015+random.randrange(9)} .\n")
