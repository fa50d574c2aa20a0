package io.cephflow.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

class DomainXmlTest {
  private static final String SERVER = "6f1c1f8e-0c1e-4f7e-9d55-2b8f1f0c0a11";
  private static final String SECRET = "0b9f6f5a-7c39-4a3c-8f47-6f0f1a2b3c4d";
  private static final Path CONF = Path.of("/var/lib/cephflow/qemu-ceph.conf");

  private static RbdDisk disk(String image) {
    return new RbdDisk(
        "vms",
        image,
        List.of(new CephMonitor("10.0.0.1", 3300), new CephMonitor("10.0.0.2", 6789)),
        new CephAuth("cephflow", SECRET));
  }

  private static DomainSpec spec(Map<String, String> tags) {
    return new DomainSpec(
        SERVER,
        DomainType.QEMU,
        2,
        64,
        List.of(disk(SERVER + "_disk"), disk("volume-1")),
        Path.of("/var/log/cephflow/console.log"),
        tags);
  }

  private static Document dom(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  private static String x(Document doc, String path) throws Exception {
    XPath xp = XPathFactory.newInstance().newXPath();
    return xp.evaluate(path, doc);
  }

  @Test
  void rendersTheFieldsLibvirtNeeds() throws Exception {
    Document doc = dom(DomainXml.render(spec(Map.of("image-id", "img-1")), CONF));
    assertThat(x(doc, "/domain/@type")).isEqualTo("qemu");
    assertThat(x(doc, "/domain/name")).isEqualTo("instance-" + SERVER);
    assertThat(x(doc, "/domain/uuid")).isEqualTo(SERVER);
    assertThat(x(doc, "/domain/memory")).isEqualTo("64");
    assertThat(x(doc, "/domain/memory/@unit")).isEqualTo("MiB");
    assertThat(x(doc, "/domain/vcpu")).isEqualTo("2");
    assertThat(x(doc, "count(/domain/devices/disk)")).isEqualTo("2");
    String d = "/domain/devices/disk[1]";
    assertThat(x(doc, d + "/@type")).isEqualTo("network");
    assertThat(x(doc, d + "/driver/@cache")).isEqualTo("none");
    assertThat(x(doc, d + "/source/@protocol")).isEqualTo("rbd");
    assertThat(x(doc, d + "/source/@name")).isEqualTo("vms/" + SERVER + "_disk");
    assertThat(x(doc, d + "/source/host[2]/@name")).isEqualTo("10.0.0.2");
    assertThat(x(doc, d + "/source/host[2]/@port")).isEqualTo("6789");
    assertThat(x(doc, d + "/source/config/@file")).isEqualTo(CONF.toString());
    assertThat(x(doc, d + "/auth/@username")).isEqualTo("cephflow");
    assertThat(x(doc, d + "/auth/secret/@type")).isEqualTo("ceph");
    assertThat(x(doc, d + "/auth/secret/@uuid")).isEqualTo(SECRET);
    assertThat(x(doc, d + "/target/@dev")).isEqualTo("vda");
    assertThat(x(doc, d + "/target/@bus")).isEqualTo("virtio");
    assertThat(x(doc, "/domain/devices/disk[2]/target/@dev")).isEqualTo("vdb");
    assertThat(x(doc, "/domain/devices/serial/@type")).isEqualTo("file");
    assertThat(x(doc, "/domain/devices/serial/source/@path"))
        .isEqualTo("/var/log/cephflow/console.log");
    assertThat(
            doc.getElementsByTagNameNS(DomainXml.METADATA_NS, "server-id").item(0).getTextContent())
        .isEqualTo(SERVER);
  }

  @Test
  void kvmIsTheOtherDomainType() throws Exception {
    DomainSpec kvm =
        new DomainSpec(
            SERVER, DomainType.KVM, 1, 32, List.of(disk("a")), Path.of("/tmp/c.log"), Map.of());
    assertThat(x(dom(DomainXml.render(kvm, CONF)), "/domain/@type")).isEqualTo("kvm");
  }

  @Test
  void tagValuesAreEscapedNotInterpreted() throws Exception {
    String hostile = "a'\"<b>&amp;</domain><devices/>]]>";
    String xml = DomainXml.render(spec(Map.of("workflow-id", hostile)), CONF);
    Document doc = dom(xml);
    assertThat(x(doc, "count(/domain/devices)")).isEqualTo("1");
    assertThat(doc.getElementsByTagNameNS(DomainXml.METADATA_NS, "tag").item(0).getTextContent())
        .isEqualTo(hostile);
    assertThat(DomainXml.parse(xml).tags()).containsEntry("workflow-id", hostile);
  }

  @Test
  void parseReadsBackAnEqualSpec() {
    DomainSpec spec = spec(Map.of("image-id", "img-1", "workflow-id", "server-boot-1"));
    assertThat(DomainXml.parse(DomainXml.render(spec, CONF))).isEqualTo(spec);
  }

  @Test
  void parseUnderstandsLibvirtsNormalisedForm() {
    // what libvirt returns: KiB, extra elements, addresses, a foreign metadata namespace
    String xml =
        """
        <domain type='qemu'>
          <name>instance-%1$s</name>
          <uuid>%1$s</uuid>
          <metadata>
            <other:thing xmlns:other="urn:other"><other:tag key="x">no</other:tag></other:thing>
            <cephflow:instance xmlns:cephflow="https://cephflow.io/xmlns/domain/1">
              <cephflow:server-id>%1$s</cephflow:server-id>
              <cephflow:tag key="image-id">img-1</cephflow:tag>
            </cephflow:instance>
          </metadata>
          <memory unit='KiB'>32768</memory>
          <currentMemory unit='KiB'>32768</currentMemory>
          <vcpu placement='static'>1</vcpu>
          <devices>
            <emulator>/usr/bin/qemu-system-x86_64</emulator>
            <disk type='network' device='disk'>
              <driver name='qemu' type='raw' cache='none' discard='unmap'/>
              <auth username='cephflow'><secret type='ceph' uuid='%2$s'/></auth>
              <source protocol='rbd' name='vms/second'>
                <host name='10.0.0.1' port='6789'/>
                <config file='/x.conf'/>
              </source>
              <target dev='vdb' bus='virtio'/>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
            </disk>
            <disk type='network' device='disk'>
              <auth username='cephflow'><secret type='ceph' uuid='%2$s'/></auth>
              <source protocol='rbd' name='vms/first'><host name='10.0.0.1'/></source>
              <target dev='vda' bus='virtio'/>
            </disk>
            <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>
            <serial type='file'><source path='/var/log/c.log'/><target type='isa-serial' port='0'/></serial>
          </devices>
        </domain>
        """
            .formatted(SERVER, SECRET);
    DomainSpec spec = DomainXml.parse(xml);
    assertThat(spec.memoryMiB()).isEqualTo(32);
    assertThat(spec.vcpus()).isEqualTo(1);
    assertThat(spec.consoleLog()).isEqualTo(Path.of("/var/log/c.log"));
    assertThat(spec.tags()).containsExactly(Map.entry("image-id", "img-1"));
    assertThat(spec.disks()).extracting(RbdDisk::image).containsExactly("first", "second");
    assertThat(spec.disks().get(0).monitors()).containsExactly(new CephMonitor("10.0.0.1", 6789));
    assertThat(DomainXml.parseDisks(xml)).isEqualTo(spec.disks());
  }

  @Test
  void parseRefusesADoctype() {
    String xxe =
        "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain>&e;</domain>";
    assertThatThrownBy(() -> DomainXml.parse(xxe)).isInstanceOf(InvalidDomainSpecException.class);
  }

  @Test
  void cephSecretXmlNamesTheUsage() throws Exception {
    Document doc = dom(DomainXml.cephSecret("client.cephflow secret"));
    assertThat(x(doc, "/secret/@private")).isEqualTo("no");
    assertThat(x(doc, "/secret/usage/@type")).isEqualTo("ceph");
    assertThat(x(doc, "/secret/usage/name")).isEqualTo("client.cephflow secret");
  }
}
