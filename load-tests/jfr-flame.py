"""A flame graph (SVG, root at the bottom, Tally's own frames in green) from a JFR recording's execution samples.

    jfr print --events jdk.ExecutionSample --stack-depth 200 tally.jfr > samples.txt
    python3 load-tests/jfr-flame.py samples.txt "title" out.svg

The benchmark records tally.jfr with --jfr (load-tests/target/bench/<run>/<path>/tally.jfr). Frames narrower
than 0.1% of the samples are left out; hover a frame for its sample count.
"""
import sys, re, html, collections
def stacks(path):
    stack=[]
    for line in open(path):
        line=line.strip()
        if line.startswith('jdk.ExecutionSample'):
            if stack: yield stack
            stack=[]
        elif re.match(r'^[\w.$]+\.[\w$<>]+\(',line):
            f=line.split('(')[0]
            parts=f.split('.')
            stack.append(('T:' if f.startswith('dev.tally') else '') + ('.'.join(parts[-2:]) if len(parts)>1 else f))  # Class.method
    if stack: yield stack
class Node:
    __slots__=('name','count','kids')
    def __init__(s,name): s.name=name; s.count=0; s.kids={}
root=Node('all')
n=0
for st in stacks(sys.argv[1]):
    n+=1; node=root; node.count+=1
    for f in reversed(st):
        node=node.kids.setdefault(f,Node(f)); node.count+=1
W=1600; H=16; maxdepth=[0]
rects=[]
def walk(node,x,depth):
    w=node.count/root.count*W
    if w<1.6: return
    maxdepth[0]=max(maxdepth[0],depth)
    rects.append((x,depth,w,node.name,node.count))
    cx=x
    for k in sorted(node.kids.values(), key=lambda k:-k.count):
        walk(k,cx,depth+1); cx+=k.count/root.count*W
walk(root,0,0)
height=(maxdepth[0]+2)*H+30
def color(name):
    if name.startswith('T:'): return '#6fbf73'
    h=hash(name.split('.')[0])%60
    return f'hsl({10+h},80%,60%)'
out=[f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" font-family="monospace" font-size="11">',
     f'<text x="4" y="16">{html.escape(sys.argv[2] if len(sys.argv)>2 else "flame graph")} ({n} samples; hover for counts)</text>']
for x,d,w,name,c in rects:
    y=height-(d+1)*H
    label=html.escape(name[2:] if name.startswith('T:') else name)
    out.append(f'<g><title>{label} {c} samples ({100*c/n:.1f}%)</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{H-1}" fill="{color(name)}"/>')
    if w>40: out.append(f'<text x="{x+2:.1f}" y="{y+11}">{label[:int(w/6.6)]}</text>')
    out.append('</g>')
out.append('</svg>')
open(sys.argv[3] if len(sys.argv)>3 else 'flame.svg','w').write('\n'.join(out))
print('samples',n,'rects',len(rects))
