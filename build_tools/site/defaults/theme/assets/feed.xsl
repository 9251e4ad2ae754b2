<?xml version="1.0" encoding="utf-8"?>
<!-- An Atom feed (build_tools/pages/feeds.py) as a page a person can read, when it is opened in a browser.
     No script and no inline style (the site's Content-Security-Policy); the look is feed.css beside this file.
     Links are worked out from the feed's own xml-stylesheet instruction, which is relative to the feed. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom"
                exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <!-- "../../" for a department's feed, "" for the site's: the way from the feed to the site's root. -->
  <xsl:variable name="root"
      select="substring-before(substring-after(/processing-instruction('xml-stylesheet')[1], 'href=&quot;'), 'assets/feed.xsl')"/>
  <xsl:variable name="self" select="/atom:feed/atom:link[@rel='self']/@href"/>

  <xsl:template match="/">
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <!-- The site's policy (site/plugin.py), tighter for scripts: this page runs nothing at all. Inline styles are
             allowed for the browser's own notice that XSLT is going away (Chromium styles it inline; blocked, it shows
             unstyled in the middle of the page); the page has none itself and prints the feed's text as text. -->
        <meta http-equiv="Content-Security-Policy"
              content="default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"/>
        <meta name="referrer" content="no-referrer"/>
        <title><xsl:value-of select="atom:feed/atom:title"/>（订阅源）</title>
        <link rel="stylesheet" href="{$root}assets/feed.css"/>
      </head>
      <body>
        <header class="pf-header">
          <p class="pf-kind">订阅源 · Atom</p>
          <h1><xsl:value-of select="atom:feed/atom:title"/></h1>
        </header>
        <main class="pf-main">
          <section class="pf-about" aria-labelledby="pf-about-title">
            <h2 id="pf-about-title">这是一个订阅源</h2>
            <p>这个网址供“阅读器”使用：把它添加到阅读器中，有新的政策解读或政策状态发生变化时，阅读器会自动提醒您，不用天天打开网站查看。</p>
            <p>订阅方法：复制
              <xsl:choose>
                <xsl:when test="starts-with($self, 'http')">地址 <code class="pf-address"><xsl:value-of select="$self"/></code></xsl:when>
                <xsl:otherwise>浏览器地址栏中的网址</xsl:otherwise>
              </xsl:choose>，在阅读器中选“添加订阅”并粘贴。
              <a href="{$root}subscribe/">什么是订阅、用什么阅读器、全部订阅地址</a></p>
          </section>
          <h2>最近更新的 <xsl:value-of select="count(atom:feed/atom:entry)"/> 篇政策解读</h2>
          <ol class="pf-entries">
            <xsl:apply-templates select="atom:feed/atom:entry"/>
          </ol>
          <p class="pf-home"><a href="{$root}./">返回网站首页</a></p>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li class="pf-entry">
      <h3><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h3>
      <p class="pf-meta">
        <xsl:value-of select="atom:author/atom:name"/>
        <xsl:text> · 更新于 </xsl:text>
        <xsl:call-template name="date"><xsl:with-param name="value" select="atom:updated"/></xsl:call-template>
        <xsl:for-each select="atom:category[starts-with(@label, '状态：')]">
          <xsl:text> · </xsl:text><span class="pf-status"><xsl:value-of select="@term"/></span>
        </xsl:for-each>
      </p>
      <p class="pf-summary"><xsl:value-of select="atom:summary"/></p>
    </li>
  </xsl:template>

  <!-- 2026-11-23T00:00:00+08:00 → 2026年11月23日 -->
  <xsl:template name="date">
    <xsl:param name="value"/>
    <time datetime="{substring($value, 1, 10)}">
      <xsl:value-of select="concat(substring($value, 1, 4), '年', number(substring($value, 6, 2)), '月', number(substring($value, 9, 2)), '日')"/>
    </time>
  </xsl:template>
</xsl:stylesheet>
