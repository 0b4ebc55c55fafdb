#!/usr/bin/env python3
# Rasterizes crates/server/assets/favicon.svg (the same shapes, drawn here by hand: no image
# library needed) into favicon.ico (16, 32 and 48 px PNGs). Run from this directory:
#   python3 favicon-ico.py && mv favicon.ico ../crates/server/assets/
import struct, zlib, math
BRAND=(0xb3,0x26,0x1e); WHITE=(255,255,255)
def seg_dist(px,py,ax,ay,bx,by):
    dx,dy=bx-ax,by-ay; t=max(0,min(1,((px-ax)*dx+(py-ay)*dy)/(dx*dx+dy*dy)))
    return math.hypot(px-(ax+t*dx),py-(ay+t*dy))
def in_rrect(x,y,x0,y0,w,h,r):
    if x<x0 or x>x0+w or y<y0 or y>y0+h: return False
    cx=min(max(x,x0+r),x0+w-r); cy=min(max(y,y0+r),y0+h-r)
    return math.hypot(x-cx,y-cy)<=r
def in_tri(x,y,a,b,c):
    def s(p,q,r): return (p[0]-r[0])*(q[1]-r[1])-(q[0]-r[0])*(p[1]-r[1])
    d1=s((x,y),a,b); d2=s((x,y),b,c); d3=s((x,y),c,a)
    neg=d1<0 or d2<0 or d3<0; pos=d1>0 or d2>0 or d3>0
    return not(neg and pos)
def sample(x,y):  # 64x64 design space; returns rgba
    if math.hypot(x-32,y-32)>31: return (0,0,0,0)
    check=min(seg_dist(x,y,22,29,29,36),seg_dist(x,y,29,36,42,23))<=2.5
    bubble=in_rrect(x,y,13,15,38,27,7) or in_tri(x,y,(20,40),(20,51),(32,40))
    if bubble and not check: return WHITE+(255,)
    return BRAND+(255,)
def png(n):
    ss=4; rows=[]
    for j in range(n):
        row=bytearray([0])
        for i in range(n):
            acc=[0,0,0,0]
            for a in range(ss):
                for b in range(ss):
                    x=(i+(a+.5)/ss)*64/n; y=(j+(b+.5)/ss)*64/n
                    r,g,bb,al=sample(x,y)
                    acc[0]+=r*al; acc[1]+=g*al; acc[2]+=bb*al; acc[3]+=al
            al=acc[3]/(ss*ss)
            if acc[3]: row+=bytes([round(acc[0]/acc[3]),round(acc[1]/acc[3]),round(acc[2]/acc[3]),round(al)])
            else: row+=bytes([0,0,0,0])
        rows.append(bytes(row))
    raw=b''.join(rows)
    def chunk(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)
    return b'\x89PNG\r\n\x1a\n'+chunk(b'IHDR',struct.pack('>IIBBBBB',n,n,8,6,0,0,0))+chunk(b'IDAT',zlib.compress(raw,9))+chunk(b'IEND',b'')
imgs=[png(16),png(32),png(48)]
hdr=struct.pack('<HHH',0,1,len(imgs)); off=6+16*len(imgs); ents=b''
for n,d in zip([16,32,48],imgs):
    ents+=struct.pack('<BBBBHHII',n,n,0,0,1,32,len(d),off); off+=len(d)
open('favicon.ico','wb').write(hdr+ents+b''.join(imgs))

