package io.cephflow.libvirt;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * {@link DomainSpec} to libvirt domain XML and back. Built with DOM so every value is escaped by
 * the XML library, never by string concatenation. {@link #parse} reads back only the fields
 * cephflow sets, so "the defined domain equals the spec" survives libvirt's normalisation (units,
 * added defaults, PCI addresses).
 */
public final class DomainXml {
  public static final String METADATA_NS = "https://cephflow.io/xmlns/domain/1";
  private static final String METADATA_PREFIX = "cephflow";

  private DomainXml() {}

  /**
   * @param cephConf a small ceph.conf on the hypervisor host; qemu reads it for {@code
   *     client_mount_timeout}, without which a dead monitor makes start hang 300 s (see {@link
   *     CephClientConf})
   */
  public static String render(DomainSpec spec, Path cephConf) {
    Names.absolutePath("ceph conf", cephConf);
    Document doc = newBuilder().newDocument();
    Element domain = doc.createElement("domain");
    domain.setAttribute("type", spec.type().xml());
    doc.appendChild(domain);
    text(domain, "name", spec.name().value());
    text(domain, "uuid", spec.serverId());
    text(domain, "memory", Integer.toString(spec.memoryMiB())).setAttribute("unit", "MiB");
    text(domain, "vcpu", Integer.toString(spec.vcpus()));
    metadata(domain, spec);

    Element os = child(domain, "os");
    Element type = text(os, "type", "hvm");
    type.setAttribute("arch", "x86_64");
    type.setAttribute("machine", "pc");
    // ACPI so that shutdown() reaches the guest as a power-button press
    child(child(domain, "features"), "acpi");
    text(domain, "on_poweroff", "destroy");
    text(domain, "on_reboot", "restart");
    text(domain, "on_crash", "destroy");

    Element devices = child(domain, "devices");
    for (int i = 0; i < spec.disks().size(); i++) {
      disk(devices, spec.disks().get(i), i, cephConf);
    }
    Element serial = child(devices, "serial");
    serial.setAttribute("type", "file");
    child(serial, "source").setAttribute("path", spec.consoleLog().toString());
    child(serial, "target").setAttribute("port", "0");
    child(devices, "memballoon").setAttribute("model", "none");
    return write(doc);
  }

  /** A persistent, non-private secret of usage type ceph (see {@link CephSecrets}). */
  static String cephSecret(String usageName) {
    Document doc = newBuilder().newDocument();
    Element secret = doc.createElement("secret");
    secret.setAttribute("ephemeral", "no");
    secret.setAttribute("private", "no");
    doc.appendChild(secret);
    Element usage = child(secret, "usage");
    usage.setAttribute("type", "ceph");
    text(usage, "name", usageName);
    return write(doc);
  }

  private static void metadata(Element domain, DomainSpec spec) {
    Document doc = domain.getOwnerDocument();
    Element instance = doc.createElementNS(METADATA_NS, METADATA_PREFIX + ":instance");
    child(domain, "metadata").appendChild(instance);
    Element server = doc.createElementNS(METADATA_NS, METADATA_PREFIX + ":server-id");
    server.setTextContent(spec.serverId());
    instance.appendChild(server);
    spec.tags()
        .forEach(
            (k, v) -> {
              Element tag = doc.createElementNS(METADATA_NS, METADATA_PREFIX + ":tag");
              tag.setAttribute("key", k);
              tag.setTextContent(v);
              instance.appendChild(tag);
            });
  }

  private static void disk(Element devices, RbdDisk d, int index, Path cephConf) {
    Element disk = child(devices, "disk");
    disk.setAttribute("type", "network");
    disk.setAttribute("device", "disk");
    Element driver = child(disk, "driver");
    driver.setAttribute("name", "qemu");
    driver.setAttribute("type", "raw");
    // librbd has its own cache; cache='none' is what Nova/Ceph recommend for RBD
    driver.setAttribute("cache", "none");
    driver.setAttribute("discard", "unmap");
    Element auth = child(disk, "auth");
    auth.setAttribute("username", d.auth().user());
    Element secret = child(auth, "secret");
    secret.setAttribute("type", "ceph");
    secret.setAttribute("uuid", d.auth().secretUuid());
    Element source = child(disk, "source");
    source.setAttribute("protocol", "rbd");
    source.setAttribute("name", d.sourceName());
    for (CephMonitor m : d.monitors()) {
      Element host = child(source, "host");
      host.setAttribute("name", m.host());
      host.setAttribute("port", Integer.toString(m.port()));
    }
    child(source, "config").setAttribute("file", cephConf.toString());
    Element target = child(disk, "target");
    target.setAttribute("dev", "vd" + (char) ('a' + index));
    target.setAttribute("bus", "virtio");
    if (index == 0) {
      child(disk, "boot").setAttribute("order", "1");
    }
  }

  /** Reads back the cephflow-owned fields of a domain's XML (as libvirt returns it). */
  public static DomainSpec parse(String xml) {
    Element domain = parseDocument(xml).getDocumentElement();
    String uuid = firstText(domain, "uuid");
    Element memory = first(domain, "memory");
    long mib = toMiB(Long.parseLong(memory.getTextContent().trim()), memory.getAttribute("unit"));
    int vcpus = Integer.parseInt(firstText(domain, "vcpu"));
    Element devices = first(domain, "devices");
    Path console = null;
    for (Element serial : children(devices, "serial")) {
      if ("file".equals(serial.getAttribute("type")) && console == null) {
        console = Path.of(first(serial, "source").getAttribute("path"));
      }
    }
    return new DomainSpec(
        uuid,
        DomainType.fromXml(domain.getAttribute("type")),
        vcpus,
        (int) mib,
        disks(devices),
        console,
        tags(domain));
  }

  /** The RBD network disks of a domain, in target order (vda, vdb, …). */
  public static List<RbdDisk> parseDisks(String xml) {
    return disks(first(parseDocument(xml).getDocumentElement(), "devices"));
  }

  private static List<RbdDisk> disks(Element devices) {
    List<Map.Entry<String, RbdDisk>> found = new ArrayList<>();
    for (Element disk : children(devices, "disk")) {
      Element source = first(disk, "source");
      if (!"network".equals(disk.getAttribute("type"))
          || source == null
          || !"rbd".equals(source.getAttribute("protocol"))) {
        continue;
      }
      String[] poolImage = source.getAttribute("name").split("/", 2);
      if (poolImage.length != 2) {
        throw new InvalidDomainSpecException(
            "rbd source name without pool: " + Names.quote(source.getAttribute("name")));
      }
      List<CephMonitor> monitors = new ArrayList<>();
      for (Element host : children(source, "host")) {
        String port = host.getAttribute("port");
        monitors.add(
            new CephMonitor(
                host.getAttribute("name"), port.isEmpty() ? 6789 : Integer.parseInt(port)));
      }
      Element auth = first(disk, "auth");
      CephAuth cephAuth =
          auth == null
              ? null
              : new CephAuth(
                  auth.getAttribute("username"), first(auth, "secret").getAttribute("uuid"));
      found.add(
          Map.entry(
              first(disk, "target").getAttribute("dev"),
              new RbdDisk(poolImage[0], poolImage[1], monitors, cephAuth)));
    }
    found.sort(Map.Entry.comparingByKey());
    return found.stream().map(Map.Entry::getValue).toList();
  }

  private static Map<String, String> tags(Element domain) {
    Map<String, String> tags = new LinkedHashMap<>();
    Element metadata = first(domain, "metadata");
    if (metadata == null) {
      return tags;
    }
    NodeList instances = metadata.getElementsByTagNameNS(METADATA_NS, "instance");
    if (instances.getLength() == 0) {
      return tags;
    }
    NodeList list = ((Element) instances.item(0)).getElementsByTagNameNS(METADATA_NS, "tag");
    for (int i = 0; i < list.getLength(); i++) {
      Element tag = (Element) list.item(i);
      tags.put(tag.getAttribute("key"), tag.getTextContent());
    }
    return tags;
  }

  private static long toMiB(long value, String unit) {
    return switch (unit.isEmpty() ? "KiB" : unit) {
      case "b", "bytes" -> value / (1024 * 1024);
      case "KiB", "k" -> value / 1024;
      case "MiB", "M" -> value;
      case "GiB", "G" -> value * 1024;
      default ->
          throw new InvalidDomainSpecException("unexpected memory unit " + Names.quote(unit));
    };
  }

  // --- DOM helpers ---

  private static Element child(Element parent, String name) {
    Element e = parent.getOwnerDocument().createElement(name);
    parent.appendChild(e);
    return e;
  }

  private static Element text(Element parent, String name, String text) {
    Element e = child(parent, name);
    e.setTextContent(text);
    return e;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> result = new ArrayList<>();
    if (parent == null) {
      return result;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && name.equals(e.getLocalName() == null ? e.getTagName() : e.getLocalName())
          && e.getNamespaceURI() == null) {
        result.add(e);
      }
    }
    return result;
  }

  private static Element first(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static String firstText(Element parent, String name) {
    Element e = first(parent, name);
    if (e == null) {
      throw new InvalidDomainSpecException("domain XML has no <" + name + ">");
    }
    return e.getTextContent().trim();
  }

  private static DocumentBuilder newBuilder() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      // libvirt's XML never has a DOCTYPE; refusing one rules out XXE entirely
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      // the default handler prints "[Fatal Error]" to stderr before throwing
      b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
      return b;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Document parseDocument(String xml) {
    try {
      return newBuilder().parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new InvalidDomainSpecException("unreadable domain XML: " + e.getMessage(), e);
    }
  }

  private static String write(Document doc) {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      t.setOutputProperty(OutputKeys.INDENT, "yes");
      StringWriter out = new StringWriter();
      t.transform(new DOMSource(doc), new StreamResult(out));
      return out.toString();
    } catch (TransformerException e) {
      throw new IllegalStateException(e);
    }
  }
}
